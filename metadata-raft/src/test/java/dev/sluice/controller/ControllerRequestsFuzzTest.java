package dev.sluice.controller;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.internal.v1.AllocateProducerIdsRequest;
import dev.sluice.proto.internal.v1.AlterPartitionRequest;
import dev.sluice.proto.internal.v1.BrokerHeartbeatRequest;
import dev.sluice.proto.internal.v1.ControlledShutdownRequest;
import dev.sluice.proto.internal.v1.CreateInternalTopicRequest;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ReassignPartitionRequest;
import dev.sluice.proto.v1.TopicResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fuzzes the controller's decisions on every request its gRPC service hands it ({@code ControllerGrpcService}): the
 * first byte picks the request, the rest is parsed as that message (bytes that do not parse are answered
 * {@code INVALID_ARGUMENT} by the port's guard, fuzzed in the broker's {@code BrokerRequestsFuzzTest}), converted as
 * the service converts it, and decided by {@link MetadataController} on a cluster of three brokers with one topic.
 *
 * <p>Oracles: the controller answers with an {@link ErrorCode} (and a message when it refuses), never an exception
 * (which the service would turn into {@code INTERNAL}); the records it returns replay onto the image (a record the
 * image cannot take would stop every node that replays the log); the new image passes its own invariants and
 * survives a snapshot round trip (image to records to image).
 */
class ControllerRequestsFuzzTest {
    private static final long NOW_MS = 1_000_000;
    static final MetadataImage IMAGE = Fixtures.apply(Fixtures.brokers(3),
            new MetadataController(ControllerConfig.DEFAULT, new SplittableRandom(1))
                    .createTopics(Fixtures.brokers(3), Fixtures.create("orders", 3, 3)).records());
    static final int REQUEST_TYPES = 10;

    @FuzzTest(maxDuration = "10m")
    void requests(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        ControllerResult<?> result;
        try {
            result = decide(Byte.toUnsignedInt(input[0]) % REQUEST_TYPES, body);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        checkAnswer(result.response());
        checkReplay(result.records());
    }

    /** The request a controller port receives, converted and decided as {@code ControllerGrpcService} does. */
    static ControllerResult<?> decide(int type, byte[] body) throws InvalidProtocolBufferException {
        MetadataController controller = new MetadataController(ControllerConfig.DEFAULT, new SplittableRandom(7));
        return switch (type) {
            case 0 -> {
                RegisterBrokerRequest r = RegisterBrokerRequest.parseFrom(body);
                yield controller.registerBroker(IMAGE, new BrokerRegistrationRequest(r.getBrokerId(), r.getHost(),
                        r.getPort(), r.getRack(), r.getSender().getIncarnationId(),
                        r.getSender().getDirectoryId()), sessions(), NOW_MS);
            }
            case 1 -> {
                BrokerHeartbeatRequest r = BrokerHeartbeatRequest.parseFrom(body);
                // The log ends ControllerGrpcService lets through (it refuses the request for any other).
                List<ReplicaLogEnd> logEnds = new ArrayList<>();
                for (dev.sluice.proto.internal.v1.ReplicaLogEnd end : r.getLeaderlessLogEndsList()) {
                    if (end.getTopicId().size() == 16 && end.getPartition() >= 0 && end.getLeaderEpoch() >= -1
                            && end.getLogEndOffset() >= 0) {
                        logEnds.add(new ReplicaLogEnd(MetadataRecords.topicId(end.getTopicId()),
                                end.getPartition(), end.getLeaderEpoch(), end.getLogEndOffset()));
                    }
                }
                LeaderlessReports reports = new LeaderlessReports();
                reports.record(r.getBrokerId(), logEnds, NOW_MS);
                yield controller.brokerHeartbeat(IMAGE, r.getBrokerId(), r.getBrokerEpoch(), reports, NOW_MS);
            }
            case 2 -> controller.createTopics(IMAGE, CreateTopicsRequest.parseFrom(body));
            case 3 -> controller.deleteTopics(IMAGE, DeleteTopicsRequest.parseFrom(body));
            case 4 -> controller.alterConfigs(IMAGE, AlterConfigsRequest.parseFrom(body));
            case 5 -> {
                CreateInternalTopicRequest r = CreateInternalTopicRequest.parseFrom(body);
                yield controller.createInternalTopic(IMAGE, r.getName(), r.getPartitions(),
                        r.getReplicationFactor(), r.getConfigsMap());
            }
            case 6 -> alterPartition(controller, AlterPartitionRequest.parseFrom(body));
            case 7 -> {
                AllocateProducerIdsRequest r = AllocateProducerIdsRequest.parseFrom(body);
                yield controller.allocateProducerIds(IMAGE, r.getBrokerId(), r.getCount());
            }
            case 8 -> controller.reassignPartition(IMAGE, ReassignPartitionRequest.parseFrom(body));
            default -> {
                ControlledShutdownRequest r = ControlledShutdownRequest.parseFrom(body);
                yield controller.controlledShutdown(IMAGE, r.getBrokerId(), r.getBrokerEpoch());
            }
        };
    }

    /** The service answers a topic id that is not 16 bytes itself; any other id goes to the controller. */
    private static ControllerResult<?> alterPartition(MetadataController controller, AlterPartitionRequest r) {
        if (r.getTopicId().size() != 16) {
            return new ControllerResult<>(List.of(), new AlterPartitionReply(ErrorCode.INVALID_REQUEST,
                    "topic_id must be 16 bytes", null));
        }
        return controller.alterPartition(IMAGE, MetadataRecords.topicId(r.getTopicId()), r.getPartition(),
                r.getLeaderId(), r.getLeaderEpoch(), r.getPartitionEpoch(), r.getNewIsrList(),
                r.getJoiningEpochsList().stream().collect(java.util.stream.Collectors.toMap(
                        e -> e.getBrokerId(), e -> e.getBrokerEpoch(), (a, b) -> b)));
    }

    /** Broker 1 has a live session; 2 and 3 have none (their registrations may replace them). */
    private static BrokerSessions sessions() {
        return new BrokerSessions(Map.of(1, NOW_MS - 10), Map.of(), ControllerConfig.DEFAULT.sessionTimeoutMs());
    }

    private static void checkAnswer(Object response) {
        if (response instanceof TopicResult topic) {
            checkError(topic.getError(), topic.getErrorMessage(), response);
        } else if (response instanceof com.google.protobuf.Message message) {
            message.getAllFields().values().stream().filter(List.class::isInstance)
                    .flatMap(v -> ((List<?>) v).stream()).filter(TopicResult.class::isInstance)
                    .forEach(ControllerRequestsFuzzTest::checkAnswer);
        } else if (response instanceof Record reply) {
            ErrorCode error = (ErrorCode) component(reply, "error");
            checkError(error, (String) component(reply, "errorMessage"), reply);
        } else {
            throw new AssertionError("unexpected answer " + response);
        }
    }

    private static Object component(Record reply, String name) {
        try {
            return reply.getClass().getMethod(name).invoke(reply);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(reply + " has no " + name, e);
        }
    }

    private static void checkError(ErrorCode error, String message, Object response) {
        if (error == null || error == ErrorCode.UNRECOGNIZED) {
            throw new AssertionError("answer without a known error code: " + response);
        }
        if (error != ErrorCode.NONE && (message == null || message.isBlank())) {
            throw new AssertionError("refusal without a message: " + response);
        }
    }

    private static void checkReplay(List<MetadataRecord> records) {
        MetadataImage next;
        try {
            MetadataDelta delta = new MetadataDelta(IMAGE);
            delta.replayAll(records);
            next = delta.apply(IMAGE.offset() + 1);
        } catch (RuntimeException e) {
            throw new AssertionError("the controller's records do not replay: " + records, e);
        }
        for (TopicImage topic : next.topics().topicsById().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                if (new HashSet<>(partition.replicas()).size() != partition.replicas().size()) {
                    throw new AssertionError(topic.name() + " has a replica twice: " + partition);
                }
                for (int replica : partition.replicas()) {
                    if (next.cluster().broker(replica) == null) {
                        throw new AssertionError(topic.name() + " placed on unknown broker " + replica);
                    }
                }
            }
        }
        MetadataDelta snapshot = new MetadataDelta(MetadataImage.EMPTY);
        snapshot.replayAll(next.toRecords());
        MetadataImage reloaded = snapshot.apply(next.offset());
        if (!reloaded.equals(next)) {
            throw new AssertionError("the image after the controller's records does not survive a snapshot");
        }
    }
}
