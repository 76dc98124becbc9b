package dev.sluice.broker.rpc;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.classic.ClassicGroupView;
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
import dev.sluice.broker.group.GroupView;
import dev.sluice.broker.group.Heartbeat;
import dev.sluice.broker.group.HeartbeatResult;
import dev.sluice.broker.group.TopicPartition;
import dev.sluice.proto.v1.DeleteGroupRequest;
import dev.sluice.proto.v1.DeleteGroupResponse;
import dev.sluice.proto.v1.DescribeGroupsRequest;
import dev.sluice.proto.v1.DescribeGroupsResponse;
import dev.sluice.proto.v1.GroupDescription;
import dev.sluice.proto.v1.GroupListing;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.HeartbeatResponse;
import dev.sluice.proto.v1.ListGroupsRequest;
import dev.sluice.proto.v1.ListGroupsResponse;
import dev.sluice.proto.v1.MemberDescription;
import dev.sluice.proto.v1.TopicPartitions;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The public {@code sluice.v1.Group} service: finds a group's coordinator from the metadata image and serves
 * membership (heartbeats), describe/list/delete, and offset commits and fetches through the
 * {@link GroupCoordinator}, converting protobuf at this edge. Thread-safe.
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

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
        Set<TopicPartition> owned = new HashSet<>();
        request.getOwnedPartitionsList().forEach(t -> t.getPartitionsList()
                .forEach(p -> owned.add(new TopicPartition(t.getTopic(), p))));
        Heartbeat heartbeat = new Heartbeat(request.getGroupId(), request.getMemberId(), request.getMemberEpoch(),
                request.getInstanceId(), request.getClientId(), request.getSubscribedTopicsList(),
                request.getSubscribedTopicRegex(), request.getAssignor(), request.getSessionTimeoutMs(),
                request.getRebalanceTimeoutMs(), owned);
        HeartbeatResult result = coordinator.heartbeat(heartbeat, topicPartitionCounts(), offsetsPartitions());
        BrokerGrpcService.reply(responses, HeartbeatResponse.newBuilder().setError(result.error())
                .setErrorMessage(result.message()).setMemberId(result.memberId())
                .setMemberEpoch(result.memberEpoch()).setGroupEpoch(result.groupEpoch())
                .setHeartbeatIntervalMs(result.heartbeatIntervalMs())
                .addAllAssignment(toProto(result.assignment())).build());
    }

    @Override
    public void describeGroups(DescribeGroupsRequest request, StreamObserver<DescribeGroupsResponse> responses) {
        DescribeGroupsResponse.Builder response = DescribeGroupsResponse.newBuilder();
        for (String groupId : request.getGroupIdsList()) {
            GroupCoordinator.GroupDescribed described = coordinator.describe(groupId, offsetsPartitions());
            GroupDescription.Builder group = GroupDescription.newBuilder().setGroupId(groupId)
                    .setError(described.error()).setErrorMessage(described.message());
            if (described.error() == ErrorCode.NONE) {
                GroupView view = described.view();
                if (described.classic() != null) {
                    describeClassic(described.classic(), group);
                } else if (view == null) {
                    group.setState(described.offsets().isEmpty() ? "Dead" : "Empty");
                } else {
                    group.setState(view.state()).setGroupEpoch(view.groupEpoch()).setAssignor(view.assignor());
                    view.members().forEach(m -> group.addMembers(MemberDescription.newBuilder()
                            .setMemberId(m.memberId()).setInstanceId(m.instanceId()).setClientId(m.clientId())
                            .setMemberEpoch(m.memberEpoch()).addAllAssignment(toProto(m.assigned()))
                            .addAllPendingRevocation(toProto(m.revoking()))
                            .addAllSubscribedTopics(m.subscribedTopics()).setSubscribedTopicRegex(m.topicRegex())));
                }
            }
            response.addGroups(group);
        }
        BrokerGrpcService.reply(responses, response.build());
    }

    /** A Kafka classic group: its members' assignments are opaque to the broker (the client's assignor's format). */
    private static void describeClassic(ClassicGroupView classic, GroupDescription.Builder group) {
        group.setState(classic.state()).setGroupEpoch(classic.generation()).setAssignor(classic.protocolName())
                .setClassic(true).setProtocolType(classic.protocolType());
        classic.members().forEach(m -> group.addMembers(MemberDescription.newBuilder().setMemberId(m.memberId())
                .setInstanceId(m.instanceId()).setClientId(m.clientId()).setMemberEpoch(classic.generation())));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> responses) {
        ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
        coordinator.list(offsetsPartitions()).forEach((groupId, listed) -> response.addGroups(GroupListing.newBuilder()
                .setGroupId(groupId).setState(listed.state()).setMembers(listed.members())
                .setClassic(listed.classic() != null)
                .setProtocolType(listed.classic() == null ? "" : listed.classic().protocolType())));
        BrokerGrpcService.reply(responses, response.build());
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> responses) {
        GroupCoordinator.ErrorResult result = coordinator.delete(request.getGroupId(), offsetsPartitions());
        BrokerGrpcService.reply(responses, DeleteGroupResponse.newBuilder().setError(result.error())
                .setErrorMessage(result.message()).build());
    }

    private static List<TopicPartitions> toProto(Set<TopicPartition> partitions) {
        Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
        new TreeSet<>(partitions).forEach(tp -> byTopic.computeIfAbsent(tp.topic(),
                t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition()));
        return byTopic.values().stream().map(TopicPartitions.Builder::build).toList();
    }

    /** Every non-internal topic and its partition count, for subscriptions. */
    private Map<String, Integer> topicPartitionCounts() {
        Map<String, Integer> counts = new HashMap<>();
        image.get().topics().topicsByName().forEach((name, topic) -> {
            if (!topic.isInternal()) {
                counts.put(name, topic.partitions().size());
            }
        });
        return counts;
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
