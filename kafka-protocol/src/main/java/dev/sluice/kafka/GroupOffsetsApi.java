package dev.sluice.kafka;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.rpc.GroupGrpcService;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * Committed offsets for Kafka consumers, in classic groups or outside group membership (a {@code group.id} with
 * {@code assign()}, and admin tools): FindCoordinator, OffsetCommit and OffsetFetch, served by the broker's
 * {@link GroupGrpcService} and {@link GroupCoordinator} in process, so the offsets live in {@code __consumer_offsets}
 * beside the gRPC groups' and either protocol reads what the other committed. The coordinator found is the broker
 * leading the group's {@code __consumer_offsets} partition, at its Kafka port. A commit by a classic group's member
 * (member id and generation) is checked as Kafka checks it (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
 * REBALANCE_IN_PROGRESS); a commit outside membership is refused into a classic group that has members. Thread-safe.
 */
final class GroupOffsetsApi {
    private final GroupGrpcService groups;
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;
    private final RequestAuthorizer authorizer;

    GroupOffsetsApi(GroupGrpcService groups, GroupCoordinator coordinator, Supplier<MetadataImage> image,
                    RequestAuthorizer authorizer) {
        this.groups = groups;
        this.coordinator = coordinator;
        this.image = image;
        this.authorizer = authorizer;
    }

    CompletableFuture<AbstractResponse> findCoordinator(FindCoordinatorRequest request) {
        boolean batched = request.version() >= 4;
        List<String> keys = batched ? request.data().coordinatorKeys() : List.of(request.data().key());
        List<Coordinator> coordinators = new ArrayList<>();
        for (String key : keys) {
            Coordinator coordinator = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
            if (request.data().keyType() != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
                coordinator.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("only group coordinators exist: Sluice has no transactions yet");
            } else {
                locate(key, coordinator);
            }
            coordinators.add(coordinator);
        }
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (batched) {
            data.setCoordinators(coordinators);
        } else {
            Coordinator only = coordinators.get(0);
            data.setErrorCode(only.errorCode()).setErrorMessage(only.errorMessage()).setNodeId(only.nodeId())
                    .setHost(only.host()).setPort(only.port());
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    private void locate(String groupId, Coordinator coordinator) {
        dev.sluice.proto.v1.FindCoordinatorResponse found = InProcessCalls.call(groups::findCoordinator,
                dev.sluice.proto.v1.FindCoordinatorRequest.newBuilder().setGroupId(groupId).build()).join();
        if (found.getError() != ErrorCode.NONE) {
            coordinator.setErrorCode(groupError(found.getError()).code()).setErrorMessage(found.getErrorMessage());
            return;
        }
        BrokerRegistration broker = image.get().cluster().broker(found.getNodeId());
        if (broker == null || broker.kafkaPort() == 0) {
            coordinator.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("the coordinator has no Kafka listener");
            return;
        }
        coordinator.setNodeId(broker.id()).setHost(broker.host()).setPort(broker.kafkaPort());
    }

    CompletableFuture<AbstractResponse> commit(OffsetCommitRequest request) {
        var data = request.data();
        // The generation travels as the member epoch; the coordinator checks it against the classic group's.
        CommitOffsetsRequest.Builder sluice = CommitOffsetsRequest.newBuilder().setGroupId(data.groupId())
                .setMemberId(data.memberId()).setMemberEpoch(data.generationIdOrMemberEpoch());
        // As Kafka does, a partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION and nothing is stored for it.
        MetadataImage current = image.get();
        // With authorization on: READ on the group (else every partition is refused), and READ on each topic.
        boolean groupReadable = authorizer.allowed(Action.READ_GROUP, data.groupId());
        List<TopicPartitionOffset> refused = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            ErrorCode denied = !groupReadable ? ErrorCode.GROUP_AUTHORIZATION_FAILED
                    : authorizer.allowed(Action.FETCH, topic.name()) ? ErrorCode.NONE
                    : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            TopicImage known = current.topics().topic(topic.name());
            topic.partitions().forEach(partition -> {
                TopicPartitionOffset offset = TopicPartitionOffset.newBuilder().setTopic(topic.name())
                        .setPartition(partition.partitionIndex()).setOffset(partition.committedOffset())
                        .setMetadata(partition.committedMetadata() == null ? "" : partition.committedMetadata())
                        .build();
                if (denied != ErrorCode.NONE) {
                    refused.add(offset.toBuilder().setError(denied).build());
                } else if (known == null || known.partition(partition.partitionIndex()) == null) {
                    refused.add(offset.toBuilder().setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).build());
                } else {
                    sluice.addOffsets(offset);
                }
            });
        }
        List<TopicPartitionOffset> results = new ArrayList<>();
        if (sluice.getOffsetsCount() > 0) {
            var response = coordinator.commitClassic(sluice.build(), ClassicGroupApi.offsetsPartitions(current));
            ErrorCode whole = response.getError();
            for (TopicPartitionOffset offset : whole == ErrorCode.NONE ? response.getResultsList()
                    : sluice.getOffsetsList()) {
                results.add(whole == ErrorCode.NONE ? offset : offset.toBuilder().setError(whole).build());
            }
        }
        results.addAll(refused);
        return CompletableFuture.completedFuture(commitResponse(results));
    }

    /** Every partition with its own error. */
    private static OffsetCommitResponse commitResponse(List<TopicPartitionOffset> partitions) {
        Map<String, OffsetCommitResponseTopic> topics = new LinkedHashMap<>();
        for (TopicPartitionOffset partition : partitions) {
            Errors partitionError = groupError(partition.getError());
            topics.computeIfAbsent(partition.getTopic(), name -> new OffsetCommitResponseTopic().setName(name))
                    .partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(partition.getPartition())
                            .setErrorCode(partitionError.code()));
        }
        return new OffsetCommitResponse(new OffsetCommitResponseData().setTopics(new ArrayList<>(topics.values())));
    }

    CompletableFuture<AbstractResponse> fetch(OffsetFetchRequest request) {
        FetchOffsetsRequest.Builder sluice = FetchOffsetsRequest.newBuilder().setGroupId(request.data().groupId());
        List<OffsetFetchRequestTopic> requested = request.data().topics();
        if (requested != null) {
            requested.forEach(topic -> topic.partitionIndexes().forEach(partition -> sluice.addPartitions(
                    TopicPartitionOffset.newBuilder().setTopic(topic.name()).setPartition(partition))));
        }
        return InProcessCalls.call(groups::fetchOffsets, sluice.build()).thenApply(response -> {
            OffsetFetchResponseData data = new OffsetFetchResponseData();
            if (request.version() >= 2) {
                // Version 1 has no top-level error; its partitions carry it.
                data.setErrorCode(groupError(response.getError()).code());
            }
            Map<String, OffsetFetchResponseTopic> topics = new LinkedHashMap<>();
            for (TopicPartitionOffset offset : response.getOffsetsList()) {
                topics.computeIfAbsent(offset.getTopic(), name -> new OffsetFetchResponseTopic().setName(name))
                        .partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(offset.getPartition())
                                .setCommittedOffset(offset.getOffset()).setCommittedLeaderEpoch(-1)
                                .setMetadata(offset.getMetadata())
                                .setErrorCode(groupError(offset.getError()).code()));
            }
            data.setTopics(new ArrayList<>(topics.values()));
            return new OffsetFetchResponse(data, request.version());
        });
    }

    /**
     * A Sluice error in a group request as Kafka's: a broker that does not lead the group's offsets partition is not
     * its coordinator (clients then look the coordinator up again).
     */
    static Errors groupError(ErrorCode code) {
        return switch (code) {
            case NOT_LEADER -> Errors.NOT_COORDINATOR;
            case LEADER_NOT_AVAILABLE -> Errors.COORDINATOR_NOT_AVAILABLE;
            default -> KafkaErrors.of(code);
        };
    }
}
