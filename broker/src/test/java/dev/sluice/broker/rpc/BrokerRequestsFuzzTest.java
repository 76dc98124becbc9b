package dev.sluice.broker.rpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.broker.group.GroupMembership;
import dev.sluice.broker.group.GroupView;
import dev.sluice.broker.group.Heartbeat;
import dev.sluice.broker.group.HeartbeatResult;
import dev.sluice.broker.group.TopicPartition;
import dev.sluice.broker.partition.BatchValidator;
import dev.sluice.broker.partition.ServedBatch;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.internal.v1.RaftGrpc;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import dev.sluice.proto.v1.AdminGrpc;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.HeartbeatRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fuzzes every request decoder the broker and controller ports expose, with the marshallers the servers use
 * ({@link MalformedRequests} guards all of them), and runs the pure code that consumes a request where one exists.
 * The first byte picks the method, the rest is the request.
 *
 * <p>Oracles: a request either parses or fails with the protobuf parser's {@link IOException} somewhere in its causes
 * (what {@link MalformedRequests} turns into {@code INVALID_ARGUMENT}), never another exception; every batch of a
 * parsed Produce request is judged by {@link ServedBatch#judge} (typed refusal, or servable); a parsed Heartbeat,
 * converted as {@code GroupGrpcService} does, gets a typed answer from the group membership core next to an
 * established member, and the group never assigns one partition to two members or a partition that does not exist.
 * The controller's decisions on its requests are fuzzed in {@code metadata-raft} ({@code ControllerRequestsFuzzTest});
 * Raft's requests are fuzzed here up to decoding (their handling is the Raft simulator's subject).
 */
class BrokerRequestsFuzzTest {
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final Map<String, Integer> TOPICS = Map.of("orders", 3, "events", 2);
    private static final List<MethodDescriptor<?, ?>> METHODS = methods();

    @FuzzTest(maxDuration = "10m")
    void requestBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        MethodDescriptor<?, ?> method = METHODS.get(Byte.toUnsignedInt(input[0]) % METHODS.size());
        Object request;
        try {
            request = method.parseRequest(new ByteArrayInputStream(input, 1, input.length - 1));
        } catch (RuntimeException e) {
            requireParserFailure(method, e);
            return;
        }
        if (request instanceof ProduceRequestView produce) {
            for (ProducePartitionView partition : produce.getPartitionsList()) {
                ServedBatch.judge(BatchValidator.validate(partition.getBatch(), MAX_MESSAGE_BYTES));
            }
        } else if (request instanceof HeartbeatRequest heartbeat) {
            checkHeartbeat(heartbeat);
        }
    }

    /** The failure {@link MalformedRequests} describes: the parser's own IOException, with its words. */
    private static void requireParserFailure(MethodDescriptor<?, ?> method, RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null) {
                return;
            }
        }
        throw new AssertionError(method.getFullMethodName() + " failed to parse without a parser error", failure);
    }

    private static void checkHeartbeat(HeartbeatRequest request) {
        GroupMembership membership = new GroupMembership(new SplittableRandom(7));
        String groupId = request.getGroupId().isEmpty() ? "g" : request.getGroupId();
        HeartbeatResult established = membership.heartbeat(heartbeat(HeartbeatRequest.newBuilder()
                .setGroupId(groupId).addSubscribedTopics("orders").build()), TOPICS, 1_000);
        HeartbeatResult result = membership.heartbeat(heartbeat(request), TOPICS, 1_001);
        if (result.error() != ErrorCode.NONE && (result.message() == null || result.message().isBlank())) {
            throw new AssertionError("refusal without a message: " + result);
        }
        membership.heartbeat(heartbeat(HeartbeatRequest.newBuilder().setGroupId(groupId)
                .setMemberId(established.memberId()).setMemberEpoch(established.memberEpoch())
                .addSubscribedTopics("orders").build()), TOPICS, 1_002);
        membership.list(1_003).values().forEach(BrokerRequestsFuzzTest::checkAssignments);
    }

    private static void checkAssignments(GroupView group) {
        Set<TopicPartition> assigned = new HashSet<>();
        for (GroupView.Member member : group.members()) {
            for (TopicPartition partition : member.assigned()) {
                Integer partitions = TOPICS.get(partition.topic());
                if (partitions == null || partition.partition() < 0 || partition.partition() >= partitions) {
                    throw new AssertionError("group " + group.groupId() + " assigned " + partition
                            + ", which does not exist");
                }
                if (!assigned.add(partition)) {
                    throw new AssertionError("group " + group.groupId() + " assigned " + partition + " twice: "
                            + group);
                }
            }
        }
    }

    /** As {@code GroupGrpcService.heartbeat} converts the request. */
    private static Heartbeat heartbeat(HeartbeatRequest request) {
        Set<TopicPartition> owned = new HashSet<>();
        request.getOwnedPartitionsList().forEach(t -> t.getPartitionsList()
                .forEach(p -> owned.add(new TopicPartition(t.getTopic(), p))));
        return new Heartbeat(request.getGroupId(), request.getMemberId(), request.getMemberEpoch(),
                request.getInstanceId(), request.getClientId(), request.getSubscribedTopicsList(),
                request.getSubscribedTopicRegex(), request.getAssignor(), request.getSessionTimeoutMs(),
                request.getRebalanceTimeoutMs(), owned);
    }

    /** Every method of every guarded service, in a fixed order (seeds name methods by their index). */
    static List<MethodDescriptor<?, ?>> methods() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        methods.add(BrokerGrpcService.PRODUCE);
        methods.add(BrokerGrpcService.FETCH);
        for (ServiceDescriptor service : Arrays.asList(BrokerGrpc.getServiceDescriptor(),
                AdminGrpc.getServiceDescriptor(), GroupGrpc.getServiceDescriptor(),
                ReplicationGrpc.getServiceDescriptor(), ControllerGrpc.getServiceDescriptor(),
                RaftGrpc.getServiceDescriptor())) {
            service.getMethods().stream()
                    .filter(m -> !m.equals(BrokerGrpc.getProduceMethod()) && !m.equals(BrokerGrpc.getFetchMethod()))
                    .sorted((a, b) -> a.getFullMethodName().compareTo(b.getFullMethodName()))
                    .forEach(methods::add);
        }
        return List.copyOf(methods);
    }
}
