package dev.sluice.client.internal;

import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.FindCoordinatorRequest;
import dev.sluice.proto.v1.FindCoordinatorResponse;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.HeartbeatResponse;
import dev.sluice.proto.v1.TopicPartitionOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A consumer group's offsets through its coordinator: finds the coordinator (FindCoordinator on any
 * broker), then commits and fetches offsets there, rediscovering the coordinator and retrying on
 * retriable errors until the caller's deadline. Used by the consumer's polling thread, its heartbeat thread and its
 * commit thread: its only state is the cached coordinator address, a volatile that any of them may reset.
 */
public final class GroupClient {
    private final String groupId;
    private final Metadata metadata;
    private final ChannelPool channels;
    private final Time time;
    private final int requestTimeoutMs;
    private final RetryingCall retrying;
    private volatile String coordinator;
    private volatile Supplier<MemberIdentity> committer = () -> MemberIdentity.NONE;
    private volatile java.util.function.Consumer<MemberIdentity> onMembershipGone = member -> { };

    /** The member a commit is made as; {@link #NONE} outside group membership (assign mode, admin tools). */
    public record MemberIdentity(String memberId, int memberEpoch) {
        public static final MemberIdentity NONE = new MemberIdentity("", 0);
    }

    public GroupClient(String groupId, Metadata metadata, ChannelPool channels, Time time, int requestTimeoutMs,
                       long retryBackoffMs) {
        this.groupId = groupId;
        this.metadata = metadata;
        this.channels = channels;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retrying = new RetryingCall(time, retryBackoffMs);
    }

    /**
     * The committed offsets of {@code partitions}; a partition with no commit is absent from the map.
     */
    public Map<TopicPartition, OffsetAndMetadata> fetchOffsets(Collection<TopicPartition> partitions,
                                                                long timeoutMs) {
        FetchOffsetsRequest.Builder request = FetchOffsetsRequest.newBuilder().setGroupId(groupId);
        for (TopicPartition tp : partitions) {
            request.addPartitions(TopicPartitionOffset.newBuilder().setTopic(tp.topic())
                    .setPartition(tp.partition()).build());
        }
        return retrying.call(time.milliseconds() + timeoutMs, () -> {
            String address = coordinator();
            FetchOffsetsResponse response;
            try {
                response = GroupGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS).fetchOffsets(request.build());
            } catch (RuntimeException e) {
                throw Errors.fromTransport(address, e);
            }
            check(response.getError(), response.getErrorMessage());
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            for (TopicPartitionOffset offset : response.getOffsetsList()) {
                check(offset.getError(), offset.getErrorMessage());
                if (offset.getOffset() >= 0) {
                    committed.put(new TopicPartition(offset.getTopic(), offset.getPartition()),
                            new OffsetAndMetadata(offset.getOffset(), offset.getMetadata()));
                }
            }
            return committed;
        }, this::forgetCoordinator);
    }

    /**
     * Makes commits carry the member's id and current epoch, read again on every attempt: the coordinator refuses a
     * member it no longer knows (so a consumer whose partitions moved on cannot move offsets back), and a stale epoch
     * is retried with the epoch the latest heartbeat brought. A refusal saying the membership is over (an unknown
     * member, a fenced epoch, an illegal generation) is passed to {@code onMembershipGone} with the identity it
     * refused, whatever path committed (found by chaos run 22: a consumer committing by hand went on to apply an
     * assignment from the membership the coordinator had just refused).
     */
    public void commitAs(Supplier<MemberIdentity> committer,
                         java.util.function.Consumer<MemberIdentity> onMembershipGone) {
        this.committer = committer;
        this.onMembershipGone = onMembershipGone;
    }

    /** Commit errors that mean the coordinator does not know this member (epoch) any more. */
    public static boolean meansMembershipGone(ErrorCode error) {
        return error == ErrorCode.UNKNOWN_MEMBER_ID || error == ErrorCode.FENCED_MEMBER_EPOCH
                || error == ErrorCode.ILLEGAL_GENERATION;
    }

    /** Commits offsets (the next offsets to consume) for the group. */
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs) {
        commit(offsets, timeoutMs, false);
    }

    /** Same; with {@code requireEmptyGroup} the coordinator refuses while the group has members. */
    public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, long timeoutMs, boolean requireEmptyGroup) {
        if (offsets.isEmpty()) {
            return;
        }
        CommitOffsetsRequest.Builder request = CommitOffsetsRequest.newBuilder().setGroupId(groupId)
                .setRequireEmptyGroup(requireEmptyGroup);
        offsets.forEach((tp, offset) -> request.addOffsets(TopicPartitionOffset.newBuilder().setTopic(tp.topic())
                .setPartition(tp.partition()).setOffset(offset.offset()).setMetadata(offset.metadata()).build()));
        retrying.call(time.milliseconds() + timeoutMs, () -> {
            String address = coordinator();
            MemberIdentity member = committer.get();
            if (member == null) {
                throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "group " + groupId + ": this consumer is not "
                        + "a member of the group right now (not joined yet, or its membership was lost); "
                        + "poll to rejoin");
            }
            request.setMemberId(member.memberId()).setMemberEpoch(member.memberEpoch());
            CommitOffsetsResponse response;
            try {
                response = GroupGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS).commitOffsets(request.build());
            } catch (RuntimeException e) {
                throw Errors.fromTransport(address, e);
            }
            if (meansMembershipGone(response.getError()) && member != MemberIdentity.NONE) {
                onMembershipGone.accept(member);
            }
            check(response.getError(), response.getErrorMessage());
            for (TopicPartitionOffset result : response.getResultsList()) {
                check(result.getError(), result.getErrorMessage());
            }
            return null;
        }, this::forgetCoordinator);
    }

    private String coordinator() {
        if (coordinator != null) {
            return coordinator;
        }
        List<String> addresses = metadata.brokerAddresses();
        SluiceException last = null;
        for (String address : addresses) {
            try {
                FindCoordinatorResponse response = GroupGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                        .findCoordinator(FindCoordinatorRequest.newBuilder().setGroupId(groupId).build());
                check(response.getError(), response.getErrorMessage());
                coordinator = response.getHost() + ":" + response.getPort();
                return coordinator;
            } catch (SluiceException e) {
                throw e;
            } catch (RuntimeException e) {
                last = Errors.fromTransport(address, e);
            }
        }
        throw last;
    }

    /** Runs one call on the coordinator's stub (no retry); transport failures become typed exceptions. */
    public <T> T onCoordinator(java.util.function.Function<GroupGrpc.GroupBlockingStub, T> call) {
        String address = coordinator();
        try {
            return call.apply(GroupGrpc.newBlockingStub(channels.channel(address))
                    .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS));
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Errors.fromTransport(address, e);
        }
    }

    /**
     * One heartbeat to the coordinator (no retry: the heartbeat thread's loop retries).
     *
     * @throws SluiceException when the coordinator cannot be found or reached
     */
    public HeartbeatResponse heartbeat(HeartbeatRequest request, long timeoutMs) {
        String address = coordinator();
        try {
            return GroupGrpc.newBlockingStub(channels.channel(address))
                    .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).heartbeat(request);
        } catch (RuntimeException e) {
            throw Errors.fromTransport(address, e);
        }
    }

    public String groupId() {
        return groupId;
    }

    /** Makes the next request look the coordinator up again. */
    public void forgetCoordinator() {
        coordinator = null;
    }

    private static void check(ErrorCode code, String message) {
        if (code != ErrorCode.NONE) {
            throw Errors.toException(code, message);
        }
    }
}
