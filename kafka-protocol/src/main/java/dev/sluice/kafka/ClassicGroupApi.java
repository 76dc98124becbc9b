package dev.sluice.kafka;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.group.ClassicGroupCoordinator;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.classic.ClassicJoin;
import dev.sluice.broker.group.classic.ClassicSync;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * Kafka's classic group membership: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, served by the broker's
 * {@link ClassicGroupCoordinator} (client-side assignment: the group's leader computes the assignment and the
 * coordinator hands it out). Answered only by the broker leading the group's {@code __consumer_offsets} partition;
 * others answer NOT_COORDINATOR. A JoinGroup or SyncGroup may wait for the other members; its future completes then.
 * Thread-safe.
 */
final class ClassicGroupApi {
    private final ClassicGroupCoordinator groups;
    private final Supplier<MetadataImage> image;
    private final RequestAuthorizer authorizer;

    ClassicGroupApi(ClassicGroupCoordinator groups, Supplier<MetadataImage> image, RequestAuthorizer authorizer) {
        this.groups = groups;
        this.image = image;
        this.authorizer = authorizer;
    }

    /** With authorization on, every membership request needs READ on the group. */
    private CompletableFuture<AbstractResponse> refusedUnlessReadable(AbstractRequest request, String groupId) {
        if (authorizer.allowed(Action.READ_GROUP, groupId)) {
            return null;
        }
        return CompletableFuture.completedFuture(request.getErrorResponse(new GroupAuthorizationException(
                RequestAuthorizer.denialMessage(authorizer.caller(), Action.READ_GROUP, groupId))));
    }

    /** The partition count of {@code __consumer_offsets} in the current image, 0 before it exists. */
    static int offsetsPartitions(MetadataImage image) {
        TopicImage topic = image.topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        return topic == null ? 0 : topic.partitions().size();
    }

    CompletableFuture<AbstractResponse> join(RequestContext context, JoinGroupRequest request) {
        CompletableFuture<AbstractResponse> refused = refusedUnlessReadable(request, request.data().groupId());
        if (refused != null) {
            return refused;
        }
        JoinGroupRequestData data = request.data();
        List<ClassicJoin.Protocol> protocols = new ArrayList<>();
        data.protocols().forEach(p -> protocols.add(new ClassicJoin.Protocol(p.name(), p.metadata())));
        // Version 0 has no rebalance timeout: Kafka uses the session timeout.
        int rebalanceTimeoutMs = request.version() == 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        ClassicJoin join = new ClassicJoin(data.groupId(), data.memberId(), instanceId(data.groupInstanceId()),
                context.clientId(), context.clientAddress.toString(), data.sessionTimeoutMs(), rebalanceTimeoutMs,
                data.protocolType(), protocols, request.version() >= 4);
        short version = request.version();
        return groups.join(join, offsetsPartitions(image.get())).thenApply(outcome -> {
            JoinGroupResponseData response = new JoinGroupResponseData()
                    .setErrorCode(GroupOffsetsApi.groupError(outcome.error()).code())
                    .setGenerationId(outcome.generation()).setProtocolType(outcome.protocolType())
                    .setProtocolName(outcome.protocolName()).setLeader(outcome.leaderId())
                    .setMemberId(outcome.memberId());
            outcome.members().forEach(m -> response.members().add(new JoinGroupResponseMember()
                    .setMemberId(m.memberId()).setGroupInstanceId(m.instanceId().isEmpty() ? null : m.instanceId())
                    .setMetadata(m.metadata())));
            return new JoinGroupResponse(response, version);
        });
    }

    CompletableFuture<AbstractResponse> sync(SyncGroupRequest request) {
        CompletableFuture<AbstractResponse> refused = refusedUnlessReadable(request, request.data().groupId());
        if (refused != null) {
            return refused;
        }
        SyncGroupRequestData data = request.data();
        Map<String, byte[]> assignments = new HashMap<>();
        data.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        ClassicSync sync = new ClassicSync(data.groupId(), data.memberId(), instanceId(data.groupInstanceId()),
                data.generationId(), data.protocolType(), data.protocolName(), assignments);
        return groups.sync(sync, offsetsPartitions(image.get())).thenApply(outcome -> new SyncGroupResponse(
                new SyncGroupResponseData().setErrorCode(GroupOffsetsApi.groupError(outcome.error()).code())
                        .setProtocolType(outcome.protocolType()).setProtocolName(outcome.protocolName())
                        .setAssignment(outcome.assignment())));
    }

    CompletableFuture<AbstractResponse> heartbeat(HeartbeatRequest request) {
        CompletableFuture<AbstractResponse> refused = refusedUnlessReadable(request, request.data().groupId());
        if (refused != null) {
            return refused;
        }
        var data = request.data();
        GroupCoordinator.ErrorResult result = groups.heartbeat(data.groupId(), data.memberId(),
                instanceId(data.groupInstanceId()), data.generationId(), offsetsPartitions(image.get()));
        return CompletableFuture.completedFuture(new HeartbeatResponse(new HeartbeatResponseData()
                .setErrorCode(GroupOffsetsApi.groupError(result.error()).code())));
    }

    CompletableFuture<AbstractResponse> leave(LeaveGroupRequest request) {
        CompletableFuture<AbstractResponse> refused = refusedUnlessReadable(request, request.data().groupId());
        if (refused != null) {
            return refused;
        }
        List<MemberIdentity> members = request.members();
        List<ClassicGroupCoordinator.Leaving> leaving = members.stream().map(m -> new ClassicGroupCoordinator.Leaving(
                m.memberId(), instanceId(m.groupInstanceId()))).toList();
        ClassicGroupCoordinator.LeaveResult result = groups.leave(request.data().groupId(), leaving,
                offsetsPartitions(image.get()));
        List<MemberResponse> responses = new ArrayList<>();
        for (int i = 0; i < result.members().size(); i++) {
            MemberIdentity member = members.get(i);
            responses.add(new MemberResponse().setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId())
                    .setErrorCode(GroupOffsetsApi.groupError(result.members().get(i)).code()));
        }
        Errors error = GroupOffsetsApi.groupError(result.error());
        return CompletableFuture.completedFuture(new LeaveGroupResponse(responses, error, 0, request.version()));
    }

    private static String instanceId(String groupInstanceId) {
        return groupInstanceId == null ? "" : groupInstanceId;
    }
}
