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
import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.proto.v1.TopicPartitionOffset;
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
 * {@link GroupCoordinator}, converting protobuf at this edge. With authorization on ({@link RequestAuthorizer}):
 * heartbeats and commits need READ on the group (commits READ on each topic too), finding the coordinator, fetching
 * offsets and describing need DESCRIBE on it, deleting DELETE; listing shows the groups the caller may DESCRIBE.
 * Thread-safe.
 */
public final class GroupGrpcService extends GroupGrpc.GroupImplBase {
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    private final RequestAuthorizer authorizer;

    public GroupGrpcService(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        this(coordinator, image, RequestAuthorizer.OFF);
    }

    /** With every call checked by {@code authorizer} first. */
    public GroupGrpcService(GroupCoordinator coordinator, Supplier<MetadataImage> image,
                            RequestAuthorizer authorizer) {
        this.coordinator = coordinator;
        this.image = image;
        this.authorizer = authorizer;
    }

    @Override
    public void findCoordinator(FindCoordinatorRequest request, StreamObserver<FindCoordinatorResponse> responses) {
        if (!authorizer.allowed(Action.DESCRIBE_GROUP, request.getGroupId())) {
            BrokerGrpcService.reply(responses, FindCoordinatorResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.DESCRIBE_GROUP))
                    .setErrorMessage(refusal(Action.DESCRIBE_GROUP, request.getGroupId())).build());
            return;
        }
        BrokerGrpcService.reply(responses, locate(request.getGroupId(), image.get()));
    }

    @Override
    public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> responses) {
        if (!authorizer.allowed(Action.READ_GROUP, request.getGroupId())) {
            ErrorCode denial = RequestAuthorizer.denial(Action.READ_GROUP);
            String message = refusal(Action.READ_GROUP, request.getGroupId());
            CommitOffsetsResponse.Builder refused = CommitOffsetsResponse.newBuilder().setError(denial)
                    .setErrorMessage(message);
            request.getOffsetsList().forEach(o -> refused.addResults(o.toBuilder().setError(denial)
                    .setErrorMessage(message)));
            BrokerGrpcService.reply(responses, refused.build());
            return;
        }
        List<TopicPartitionOffset> denied = deniedTopics(request.getOffsetsList(), Action.FETCH);
        if (denied.isEmpty()) {
            BrokerGrpcService.reply(responses, coordinator.commit(request, offsetsPartitions()));
            return;
        }
        CommitOffsetsRequest.Builder allowed = request.toBuilder().clearOffsets();
        request.getOffsetsList().stream().filter(o -> authorizer.allowed(Action.FETCH, o.getTopic()))
                .forEach(allowed::addOffsets);
        CommitOffsetsResponse response = allowed.getOffsetsCount() == 0 ? CommitOffsetsResponse.getDefaultInstance()
                : coordinator.commit(allowed.build(), offsetsPartitions());
        BrokerGrpcService.reply(responses, response.toBuilder().addAllResults(denied).build());
    }

    @Override
    public void fetchOffsets(FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> responses) {
        if (!authorizer.allowed(Action.DESCRIBE_GROUP, request.getGroupId())) {
            BrokerGrpcService.reply(responses, FetchOffsetsResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.DESCRIBE_GROUP))
                    .setErrorMessage(refusal(Action.DESCRIBE_GROUP, request.getGroupId())).build());
            return;
        }
        FetchOffsetsResponse response = coordinator.fetch(request, offsetsPartitions());
        if (!authorizer.enabled()) {
            BrokerGrpcService.reply(responses, response);
            return;
        }
        // The offsets of topics the caller may not DESCRIBE are left out of a listing, refused when asked for.
        FetchOffsetsResponse.Builder filtered = response.toBuilder().clearOffsets();
        response.getOffsetsList().stream().filter(o -> authorizer.allowed(Action.DESCRIBE_TOPIC, o.getTopic()))
                .forEach(filtered::addOffsets);
        filtered.addAllOffsets(deniedTopics(request.getPartitionsList(), Action.DESCRIBE_TOPIC));
        BrokerGrpcService.reply(responses, filtered.build());
    }

    /** The partitions of topics the caller may not {@code action}, each with its refusal. */
    private List<TopicPartitionOffset> deniedTopics(List<TopicPartitionOffset> partitions, Action action) {
        if (!authorizer.enabled()) {
            return List.of();
        }
        return partitions.stream().filter(p -> !authorizer.allowed(action, p.getTopic()))
                .map(p -> TopicPartitionOffset.newBuilder().setTopic(p.getTopic()).setPartition(p.getPartition())
                        .setOffset(-1).setError(RequestAuthorizer.denial(action))
                        .setErrorMessage(refusal(action, p.getTopic())).build()).toList();
    }

    private String refusal(Action action, String name) {
        return RequestAuthorizer.denialMessage(authorizer.caller(), action, name);
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
        if (!authorizer.allowed(Action.READ_GROUP, request.getGroupId())) {
            BrokerGrpcService.reply(responses, HeartbeatResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.READ_GROUP))
                    .setErrorMessage(refusal(Action.READ_GROUP, request.getGroupId())).build());
            return;
        }
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
            if (!authorizer.allowed(Action.DESCRIBE_GROUP, groupId)) {
                response.addGroups(GroupDescription.newBuilder().setGroupId(groupId)
                        .setError(RequestAuthorizer.denial(Action.DESCRIBE_GROUP))
                        .setErrorMessage(refusal(Action.DESCRIBE_GROUP, groupId)));
                continue;
            }
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
        RequestAuthorizer.Caller caller = authorizer.caller();
        coordinator.list(offsetsPartitions()).forEach((groupId, listed) -> {
            if (authorizer.allowed(caller, Action.DESCRIBE_GROUP, groupId)) {
                response.addGroups(GroupListing.newBuilder().setGroupId(groupId).setState(listed.state())
                        .setMembers(listed.members()).setClassic(listed.classic() != null)
                        .setProtocolType(listed.classic() == null ? "" : listed.classic().protocolType()));
            }
        });
        BrokerGrpcService.reply(responses, response.build());
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> responses) {
        if (!authorizer.allowed(Action.DELETE_GROUP, request.getGroupId())) {
            BrokerGrpcService.reply(responses, DeleteGroupResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.DELETE_GROUP))
                    .setErrorMessage(refusal(Action.DELETE_GROUP, request.getGroupId())).build());
            return;
        }
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
