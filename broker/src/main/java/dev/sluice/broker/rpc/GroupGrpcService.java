package dev.sluice.broker.rpc;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.FindCoordinatorRequest;
import dev.sluice.proto.v1.FindCoordinatorResponse;
import dev.sluice.proto.v1.GroupGrpc;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The public {@code sluice.v1.Group} service: finds a group's coordinator from the metadata image and serves
 * offset commits and fetches through the {@link GroupCoordinator}. Thread-safe.
 */
public final class GroupGrpcService extends GroupGrpc.GroupImplBase {
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public GroupGrpcService(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public void findCoordinator(FindCoordinatorRequest request, StreamObserver<FindCoordinatorResponse> responses) {
        BrokerGrpcService.reply(responses, locate(request.getGroupId(), image.get()));
    }

    @Override
    public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> responses) {
        BrokerGrpcService.reply(responses, coordinator.commit(request, offsetsPartitions()));
    }

    @Override
    public void fetchOffsets(FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> responses) {
        BrokerGrpcService.reply(responses, coordinator.fetch(request, offsetsPartitions()));
    }

    private int offsetsPartitions() {
        TopicImage topic = image.get().topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        return topic == null ? 0 : topic.partitions().size();
    }

    static FindCoordinatorResponse locate(String groupId, MetadataImage image) {
        FindCoordinatorResponse.Builder response = FindCoordinatorResponse.newBuilder();
        if (groupId.isEmpty()) {
            return response.setError(ErrorCode.INVALID_GROUP_ID).setErrorMessage("the group id must not be empty")
                    .build();
        }
        TopicImage topic = image.topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        if (topic == null || topic.partitions().isEmpty()) {
            return response.setError(ErrorCode.LEADER_NOT_AVAILABLE)
                    .setErrorMessage(GroupCoordinator.OFFSETS_TOPIC + " is not created yet").build();
        }
        PartitionImage partition = topic.partition(
                GroupCoordinator.partitionFor(groupId, topic.partitions().size()));
        BrokerRegistration leader = partition.hasLeader() ? image.cluster().broker(partition.leaderId()) : null;
        if (leader == null) {
            return response.setError(ErrorCode.LEADER_NOT_AVAILABLE)
                    .setErrorMessage("the coordinator of group '" + groupId + "' is not available").build();
        }
        return response.setNodeId(leader.id()).setHost(leader.host()).setPort(leader.port()).build();
    }
}
