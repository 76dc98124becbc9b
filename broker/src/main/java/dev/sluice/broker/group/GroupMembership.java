package dev.sluice.broker.group;

import dev.sluice.broker.group.assignor.Assignor;
import dev.sluice.broker.group.assignor.RangeAssignor;
import dev.sluice.proto.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure membership core of a group coordinator: every group of one {@code __consumer_offsets} partition, driven
 * by heartbeats and ticks that carry the current time and the current topics (name to partition count, internal
 * topics excluded). No I/O, clocks or threads: the caller serializes calls (one lock per offsets partition) and
 * passes {@code nowMs}. Membership is memory only; after a coordinator change members get {@code UNKNOWN_MEMBER_ID}
 * and rejoin. Member ids come from the injected random generator.
 *
 * <p>Heartbeat transitions (see {@link ConsumerGroup} for reconciliation):
 * <pre>
 * epoch 0, no/unknown instance id  -> new member, group epoch + 1
 * epoch 0, known instance id       -> new incarnation takes the static member's slot and assignment, no rebalance
 * epoch -1 (or -2 when dynamic)    -> member removed, group epoch + 1
 * epoch -2, static                 -> member kept with its assignment until its session expires
 * epoch > member's epoch           -> FENCED_MEMBER_EPOCH
 * unknown member id                -> UNKNOWN_MEMBER_ID
 * otherwise                        -> session renewed, subscription updated, reconciled
 * </pre>
 *
 * <p>After every change (a heartbeat, a leave, an expiry) the group's state is checked for the start or end of a
 * rebalance ({@link ConsumerGroup#trackRebalance}); each one that ends goes to the {@link RebalanceListener}.
 */
public final class GroupMembership {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);
    private static final int MAX_HEARTBEAT_INTERVAL_MS = 3000;
    /** Suggested while a group reconciles, so partitions move in a few round trips instead of a few intervals. */
    private static final int RECONCILING_HEARTBEAT_INTERVAL_MS = 100;

    private final RandomGenerator random;
    private final RebalanceListener rebalances;
    private final Map<String, ConsumerGroup> groups = new TreeMap<>();

    public GroupMembership(RandomGenerator random) {
        this(random, RebalanceListener.NONE);
    }

    public GroupMembership(RandomGenerator random, RebalanceListener rebalances) {
        this.random = random;
        this.rebalances = rebalances;
    }

    public HeartbeatResult heartbeat(Heartbeat request, Map<String, Integer> topics, long nowMs) {
        if (request.groupId().isEmpty()) {
            return HeartbeatResult.failed(ErrorCode.INVALID_GROUP_ID, "the group id must not be empty");
        }
        HeartbeatResult outOfRange = checkRanges(request);
        if (outOfRange != null) {
            return outOfRange;
        }
        tick(nowMs);
        ConsumerGroup group = groups.computeIfAbsent(request.groupId(), ConsumerGroup::new);
        GroupMember member;
        if (request.memberEpoch() == Heartbeat.JOIN_EPOCH) {
            HeartbeatResult invalid = validateJoin(group, request);
            if (invalid != null) {
                return invalid;
            }
            member = join(group, request, nowMs);
        } else {
            member = group.members.get(request.memberId());
            if (member == null) {
                return HeartbeatResult.failed(ErrorCode.UNKNOWN_MEMBER_ID, "member " + request.memberId()
                        + " is not in group " + request.groupId() + "; rejoin");
            }
            if (request.memberEpoch() < 0) {
                return leave(group, member, request.memberEpoch(), nowMs);
            }
            if (request.memberEpoch() > member.memberEpoch) {
                return HeartbeatResult.failed(ErrorCode.FENCED_MEMBER_EPOCH, "member " + member.memberId
                        + " sent epoch " + request.memberEpoch() + " but has " + member.memberEpoch + "; rejoin");
            }
            HeartbeatResult invalid = validateSubscription(group, request);
            if (invalid != null) {
                return invalid;
            }
        }
        member.lastHeartbeatMs = nowMs;
        member.departed = false;
        member.clientId = request.clientId();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        updateSubscription(group, member, request);
        group.maybeUpdateTarget(topics);
        group.reconcile(member, request.owned(), nowMs);
        String state = group.state();
        trackRebalance(group, state, nowMs);
        int intervalMs = state.equals("Stable")
                ? Math.min(MAX_HEARTBEAT_INTERVAL_MS, member.sessionTimeoutMs / 3) : RECONCILING_HEARTBEAT_INTERVAL_MS;
        return new HeartbeatResult(ErrorCode.NONE, "", member.memberId, member.memberEpoch, group.groupEpoch,
                Set.copyOf(member.assigned), intervalMs);
    }

    /** Timeouts must not be negative (0 is the default) and an epoch below -2 means nothing. */
    private static HeartbeatResult checkRanges(Heartbeat request) {
        if (request.memberEpoch() < Heartbeat.STATIC_LEAVE_EPOCH) {
            return HeartbeatResult.failed(ErrorCode.INVALID_REQUEST, "member_epoch must be >= -2, was "
                    + request.memberEpoch());
        }
        if (request.sessionTimeoutMs() < 0 || request.rebalanceTimeoutMs() < 0) {
            return HeartbeatResult.failed(ErrorCode.INVALID_REQUEST, "session_timeout_ms and rebalance_timeout_ms "
                    + "must be >= 0 (0: the default), were " + request.sessionTimeoutMs() + " and "
                    + request.rebalanceTimeoutMs());
        }
        return null;
    }

    private HeartbeatResult validateJoin(ConsumerGroup group, Heartbeat request) {
        if (request.subscribedTopics().isEmpty() && request.topicRegex().isEmpty()) {
            return HeartbeatResult.failed(ErrorCode.INVALID_REQUEST, "a member must subscribe to topics or a regex");
        }
        return validateSubscription(group, request);
    }

    private HeartbeatResult validateSubscription(ConsumerGroup group, Heartbeat request) {
        if (!request.assignor().isEmpty() && Assignor.named(request.assignor()) == null) {
            return HeartbeatResult.failed(ErrorCode.UNSUPPORTED_ASSIGNOR, "unknown assignor '" + request.assignor()
                    + "'; use range, roundrobin, sticky or cooperative-sticky");
        }
        boolean onlyMember = group.members.size() == 1 && group.members.containsKey(request.memberId());
        if (!request.assignor().isEmpty() && group.assignorName != null && !group.members.isEmpty() && !onlyMember
                && !group.assignorName.equals(request.assignor())) {
            return HeartbeatResult.failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "group " + group.groupId
                    + " uses assignor " + group.assignorName + ", not " + request.assignor());
        }
        if (!request.topicRegex().isEmpty()) {
            try {
                Pattern.compile(request.topicRegex());
            } catch (PatternSyntaxException e) {
                return HeartbeatResult.failed(ErrorCode.INVALID_REQUEST, "bad topic regex: " + e.getMessage());
            }
        }
        return null;
    }

    private GroupMember join(ConsumerGroup group, Heartbeat request, long nowMs) {
        // A member may name itself (Kafka's ConsumerGroupHeartbeat 1+ clients do); joining again under a name the
        // group holds replaces that member, whose partitions go back to the pool.
        String memberId = request.memberId().isEmpty() ? newMemberId(request.clientId()) : request.memberId();
        if (!request.memberId().isEmpty() && group.members.containsKey(memberId)) {
            group.remove(memberId);
        }
        GroupMember existing = request.instanceId().isEmpty() ? null : group.memberByInstance(request.instanceId());
        if (existing != null) {
            LOG.info("group {}: static member {} rejoined as {}, keeping {}", group.groupId, request.instanceId(),
                    memberId, existing.assigned);
            group.replace(existing, memberId);
            return existing;
        }
        GroupMember member = new GroupMember(memberId, request.instanceId());
        member.lastHeartbeatMs = nowMs;
        group.add(member);
        LOG.info("group {}: member {} joined, group epoch {}", group.groupId, memberId, group.groupEpoch);
        return member;
    }

    private HeartbeatResult leave(ConsumerGroup group, GroupMember member, int epoch, long nowMs) {
        if (epoch == Heartbeat.STATIC_LEAVE_EPOCH && member.isStatic()) {
            member.departed = true;
            LOG.info("group {}: static member {} left temporarily", group.groupId, member.instanceId);
        } else {
            group.remove(member.memberId);
            LOG.info("group {}: member {} left, group epoch {}", group.groupId, member.memberId, group.groupEpoch);
            trackRebalance(group, group.state(), nowMs);
        }
        return new HeartbeatResult(ErrorCode.NONE, "", member.memberId, epoch, group.groupEpoch, Set.of(), 0);
    }

    private static void updateSubscription(ConsumerGroup group, GroupMember member, Heartbeat request) {
        if (group.assignorName == null || group.members.size() == 1 && !request.assignor().isEmpty()
                && !request.assignor().equals(group.assignorName)) {
            group.assignorName = request.assignor().isEmpty() ? RangeAssignor.NAME : request.assignor();
            group.groupEpoch++;
        }
        boolean emptyRequest = request.subscribedTopics().isEmpty() && request.topicRegex().isEmpty();
        if (emptyRequest) {
            return; // a heartbeat may omit an unchanged subscription
        }
        if (!request.subscribedTopics().equals(member.subscribedTopics)
                || !request.topicRegex().equals(member.topicRegex)) {
            member.subscribedTopics = request.subscribedTopics();
            member.topicRegex = request.topicRegex();
            member.compiledRegex = request.topicRegex().isEmpty() ? null : Pattern.compile(request.topicRegex());
            group.groupEpoch++;
        }
    }

    private String newMemberId(String clientId) {
        String prefix = clientId.isEmpty() ? "member" : clientId;
        return prefix + "-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    }

    /** Expires members of every group whose session or revocation deadline passed. */
    public void tick(long nowMs) {
        for (ConsumerGroup group : groups.values()) {
            List<String> expired = group.expire(nowMs);
            for (String memberId : expired) {
                LOG.info("group {}: member {} expired, group epoch {}", group.groupId, memberId, group.groupEpoch);
            }
            if (!expired.isEmpty()) {
                trackRebalance(group, group.state(), nowMs);
            }
        }
    }

    private void trackRebalance(ConsumerGroup group, String state, long nowMs) {
        long durationMs = group.trackRebalance(state, nowMs);
        if (durationMs >= 0) {
            rebalances.rebalanceCompleted(group.groupId, durationMs);
        }
    }

    /** Every group's state, member count and rebalance count, by group id; committed offsets are not known here. */
    public Map<String, GroupSummary> summaries(long nowMs) {
        tick(nowMs);
        Map<String, GroupSummary> summaries = new TreeMap<>();
        groups.forEach((id, group) -> summaries.put(id,
                new GroupSummary(id, group.state(), group.members.size(), group.rebalances, Map.of())));
        return summaries;
    }

    /** The group, or null when this coordinator has no members for it. */
    public GroupView describe(String groupId, long nowMs) {
        tick(nowMs);
        ConsumerGroup group = groups.get(groupId);
        return group == null ? null : GroupView.of(group);
    }

    /** Every group with state, members included; empty groups too. */
    public Map<String, GroupView> list(long nowMs) {
        tick(nowMs);
        Map<String, GroupView> views = new TreeMap<>();
        groups.forEach((id, group) -> views.put(id, GroupView.of(group)));
        return views;
    }

    /**
     * Whether {@code memberId} at {@code memberEpoch} may commit offsets for the group now. An empty member id is a
     * commit outside membership (assign mode, admin tools) and is not checked. Otherwise the member must exist
     * ({@code UNKNOWN_MEMBER_ID}: expired, removed, or unknown to this coordinator) and the epoch must be the one the
     * coordinator last gave it: a newer one was never given ({@code FENCED_MEMBER_EPOCH}), an older one means the
     * member has not seen its latest heartbeat answer yet ({@code STALE_MEMBER_EPOCH}, retriable).
     */
    public ErrorCode validateCommit(String groupId, String memberId, int memberEpoch, long nowMs) {
        if (memberId.isEmpty()) {
            return ErrorCode.NONE;
        }
        tick(nowMs);
        ConsumerGroup group = groups.get(groupId);
        GroupMember member = group == null ? null : group.members.get(memberId);
        if (member == null || member.departed) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (memberEpoch > member.memberEpoch) {
            return ErrorCode.FENCED_MEMBER_EPOCH;
        }
        return memberEpoch < member.memberEpoch ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.NONE;
    }

    /** Whether the group has members (static members that left temporarily count until they expire). */
    public boolean hasMembers(String groupId, long nowMs) {
        tick(nowMs);
        ConsumerGroup group = groups.get(groupId);
        return group != null && !group.members.isEmpty();
    }

    /** Forgets an empty group's membership state. */
    public void delete(String groupId) {
        groups.remove(groupId);
    }
}
