package dev.sluice.kafka;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupListed;
import dev.sluice.broker.group.GroupView;
import dev.sluice.broker.group.TopicPartition;
import dev.sluice.broker.group.classic.ClassicGroupView;
import dev.sluice.metadata.MetadataImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/**
 * ListGroups and DescribeGroups over the groups this broker coordinates: Kafka classic groups with their own state,
 * protocol type and members; Sluice's server-assigned groups as Kafka's new "consumer" groups (states Empty,
 * Reconciling, Stable), their members' subscriptions and assignments in the consumer protocol's format; groups
 * with committed offsets only as empty classic groups without a protocol type, as Kafka lists them. Thread-safe.
 */
final class GroupListingApi {
    static final String CLASSIC = "classic";
    static final String CONSUMER = "consumer";

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;
    private final RequestAuthorizer authorizer;

    GroupListingApi(GroupCoordinator coordinator, Supplier<MetadataImage> image, RequestAuthorizer authorizer) {
        this.coordinator = coordinator;
        this.image = image;
        this.authorizer = authorizer;
    }

    CompletableFuture<AbstractResponse> list(ListGroupsRequest request) {
        Set<String> states = lowerCase(request.version() >= 4 ? request.data().statesFilter() : List.of());
        Set<String> types = lowerCase(request.version() >= 5 ? request.data().typesFilter() : List.of());
        ListGroupsResponseData data = new ListGroupsResponseData();
        RequestAuthorizer.Caller caller = authorizer.caller();
        for (GroupListed group : coordinator.list(ClassicGroupApi.offsetsPartitions(image.get())).values()) {
            String type = group.view() != null ? CONSUMER : CLASSIC;
            String protocolType = group.view() != null ? CONSUMER
                    : group.classic() != null ? group.classic().protocolType() : "";
            if (!states.isEmpty() && !states.contains(group.state().toLowerCase(Locale.ROOT))
                    || !types.isEmpty() && !types.contains(type)
                    || !authorizer.allowed(caller, Action.DESCRIBE_GROUP, group.groupId())) {
                continue;
            }
            data.groups().add(new ListedGroup().setGroupId(group.groupId()).setProtocolType(protocolType)
                    .setGroupState(group.state()).setGroupType(type));
        }
        return CompletableFuture.completedFuture(new ListGroupsResponse(data));
    }

    private static Set<String> lowerCase(List<String> values) {
        return values == null ? Set.of() : Set.copyOf(values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList());
    }

    CompletableFuture<AbstractResponse> describe(DescribeGroupsRequest request) {
        int offsetsPartitions = ClassicGroupApi.offsetsPartitions(image.get());
        DescribeGroupsResponseData data = new DescribeGroupsResponseData();
        for (String groupId : request.data().groups()) {
            data.groups().add(describe(groupId, offsetsPartitions, request.version()));
        }
        return CompletableFuture.completedFuture(new DescribeGroupsResponse(data));
    }

    private DescribedGroup describe(String groupId, int offsetsPartitions, short version) {
        if (!authorizer.allowed(Action.DESCRIBE_GROUP, groupId)) {
            return new DescribedGroup().setGroupId(groupId).setGroupState("").setProtocolType("").setProtocolData("")
                    .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(RequestAuthorizer.denialMessage(authorizer.caller(), Action.DESCRIBE_GROUP,
                            groupId));
        }
        GroupCoordinator.GroupDescribed described = coordinator.describe(groupId, offsetsPartitions);
        DescribedGroup group = new DescribedGroup().setGroupId(groupId).setProtocolType("").setProtocolData("")
                .setAuthorizedOperations(DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED);
        Errors error = GroupOffsetsApi.groupError(described.error());
        if (error != Errors.NONE) {
            return group.setErrorCode(error.code()).setErrorMessage(described.message()).setGroupState("");
        }
        if (described.classic() != null) {
            ClassicGroupView classic = described.classic();
            group.setGroupState(classic.state()).setProtocolType(classic.protocolType())
                    .setProtocolData(classic.protocolName());
            classic.members().forEach(m -> group.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                    .setGroupInstanceId(m.instanceId().isEmpty() ? null : m.instanceId()).setClientId(m.clientId())
                    .setClientHost(m.clientHost()).setMemberMetadata(m.metadata())
                    .setMemberAssignment(m.assignment())));
        } else if (described.view() != null) {
            GroupView view = described.view();
            group.setGroupState(view.state()).setProtocolType(CONSUMER).setProtocolData(view.assignor());
            view.members().forEach(m -> group.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                    .setGroupInstanceId(m.instanceId().isEmpty() ? null : m.instanceId()).setClientId(m.clientId())
                    .setClientHost("").setMemberMetadata(bytes(ConsumerProtocol.serializeSubscription(
                            new Subscription(m.subscribedTopics()))))
                    .setMemberAssignment(bytes(ConsumerProtocol.serializeAssignment(new Assignment(
                            kafkaPartitions(m.assigned())))))));
        } else if (!described.offsets().isEmpty()) {
            group.setGroupState("Empty");
        } else if (version >= 6) {
            // Version 6 (KIP-1043) reports an unknown group as an error instead of the Dead state.
            group.setGroupState("Dead").setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("group " + groupId + " does not exist");
        } else {
            group.setGroupState("Dead");
        }
        return group;
    }

    private static List<org.apache.kafka.common.TopicPartition> kafkaPartitions(Set<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> converted = new ArrayList<>();
        partitions.forEach(p -> converted.add(new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())));
        return converted;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }
}
