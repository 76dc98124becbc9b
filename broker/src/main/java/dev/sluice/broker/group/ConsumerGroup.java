package dev.sluice.broker.group;

import dev.sluice.broker.group.assignor.Assignor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership state of one consumer group: members, the group epoch, and the target assignment computed by the
 * group's assignor for that epoch. Pure and single-threaded (owned by {@link GroupMembership}'s caller); times are
 * milliseconds of the injected clock.
 *
 * <p>Transitions: the group epoch advances when a member joins, leaves or is removed (session timeout, or no
 * revocation confirmed within its rebalance timeout), when a subscription or assignor changes, or when a subscribed
 * topic's partition count changes; the target is then recomputed. On each heartbeat a member reconciles towards the
 * target: partitions it should no longer own move from {@code assigned} to {@code revoking}; while a member has any
 * partition in {@code revoking} it keeps its old epoch and gets nothing new; once its heartbeat no longer lists them,
 * they are free, the member moves to the target epoch, and it gets every target partition that no other member still
 * owns.
 *
 * <p>Invariants (checked after every change): no partition is owned ({@code assigned} or {@code revoking}) by two
 * members; a member at epoch {@code e} owns only partitions of the target of epoch {@code e}, so no partition has
 * two owners in one generation.
 */
final class ConsumerGroup {
    final String groupId;
    String assignorName;
    int groupEpoch;
    int targetEpoch;
    Map<String, Set<TopicPartition>> target = new TreeMap<>();
    Map<String, Integer> targetPartitionCounts = Map.of();
    final TreeMap<String, GroupMember> members = new TreeMap<>();
    /** Rebalances started since this coordinator took the group over. */
    long rebalances;
    /** When the rebalance in progress started, -1 while none is. */
    long rebalanceStartMs = -1;

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    GroupMember memberByInstance(String instanceId) {
        return members.values().stream().filter(m -> m.instanceId.equals(instanceId)).findFirst().orElse(null);
    }

    void add(GroupMember member) {
        members.put(member.memberId, member);
        groupEpoch++;
    }

    /** Gives a static member's slot to its new incarnation under a new id, keeping its assignment. */
    void replace(GroupMember member, String newMemberId) {
        members.remove(member.memberId);
        Set<TopicPartition> targeted = target.remove(member.memberId);
        member.memberId = newMemberId;
        // The old incarnation is gone (that is what reusing an instance id means); the new one owns nothing yet.
        member.revoking.clear();
        members.put(newMemberId, member);
        if (targeted != null) {
            target.put(newMemberId, targeted);
        }
    }

    void remove(String memberId) {
        if (members.remove(memberId) != null) {
            groupEpoch++;
            if (members.isEmpty()) {
                assignorName = null;
            }
        }
    }

    /** Removes members whose session expired or who did not confirm a revocation in time. */
    List<String> expire(long nowMs) {
        List<String> expired = new ArrayList<>();
        for (GroupMember member : members.values()) {
            boolean sessionOver = nowMs - member.lastHeartbeatMs > member.sessionTimeoutMs;
            boolean revocationOverdue = !member.revoking.isEmpty() && nowMs > member.revokeDeadlineMs;
            if (sessionOver || revocationOverdue) {
                expired.add(member.memberId);
            }
        }
        expired.forEach(this::remove);
        return expired;
    }

    /** Recomputes the target when the epoch moved or a subscribed topic changed its partition count. */
    void maybeUpdateTarget(Map<String, Integer> topics) {
        if (members.isEmpty()) {
            target = new TreeMap<>();
            return;
        }
        Map<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (GroupMember member : members.values()) {
            Set<String> resolved = new TreeSet<>();
            if (member.compiledRegex != null) {
                topics.keySet().stream().filter(t -> member.compiledRegex.matcher(t).matches()).forEach(resolved::add);
            } else {
                resolved.addAll(member.subscribedTopics);
            }
            resolved.forEach(t -> counts.put(t, topics.getOrDefault(t, 0)));
            subscriptions.put(member.memberId, resolved);
        }
        if (!counts.equals(targetPartitionCounts)) {
            groupEpoch++;
        }
        if (groupEpoch == targetEpoch) {
            return;
        }
        Assignor assignor = Assignor.named(assignorName);
        target = new TreeMap<>(assignor.assign(subscriptions, counts, target));
        targetPartitionCounts = counts;
        targetEpoch = groupEpoch;
    }

    /** Moves a member towards the target after a heartbeat that reported {@code owned}. */
    void reconcile(GroupMember member, Set<TopicPartition> owned, long nowMs) {
        member.revoking.retainAll(owned);
        Set<TopicPartition> wanted = target.getOrDefault(member.memberId, Set.of());
        List<TopicPartition> revoke = member.assigned.stream().filter(tp -> !wanted.contains(tp)).toList();
        if (!revoke.isEmpty()) {
            if (member.revoking.isEmpty()) {
                member.revokeDeadlineMs = nowMs + member.rebalanceTimeoutMs;
            }
            revoke.forEach(member.assigned::remove);
            member.revoking.addAll(revoke);
        }
        if (member.revoking.isEmpty()) {
            member.memberEpoch = targetEpoch;
            for (TopicPartition tp : wanted) {
                if (!member.assigned.contains(tp) && !ownedByAnother(member, tp)) {
                    member.assigned.add(tp);
                }
            }
        }
        checkInvariants();
    }

    private boolean ownedByAnother(GroupMember member, TopicPartition tp) {
        for (GroupMember other : members.values()) {
            if (other != member && other.owns(tp)) {
                return true;
            }
        }
        return false;
    }

    void checkInvariants() {
        Map<TopicPartition, String> owners = new HashMap<>();
        for (GroupMember member : members.values()) {
            for (TopicPartition tp : member.assigned) {
                claim(owners, tp, member.memberId);
            }
            for (TopicPartition tp : member.revoking) {
                claim(owners, tp, member.memberId);
            }
        }
    }

    private void claim(Map<TopicPartition, String> owners, TopicPartition tp, String memberId) {
        String previous = owners.put(tp, memberId);
        if (previous != null) {
            throw new IllegalStateException("group " + groupId + ": " + tp + " owned by both " + previous + " and "
                    + memberId);
        }
    }

    /**
     * Follows rebalances through the group's state as observed after each change: entering {@code Reconciling}
     * starts one (and counts it), leaving it for {@code Stable} or {@code Empty} ends it. Returns the duration of the
     * rebalance that just ended, in milliseconds, or -1 when none ended.
     */
    long trackRebalance(String state, long nowMs) {
        if (state.equals("Reconciling")) {
            if (rebalanceStartMs < 0) {
                rebalanceStartMs = nowMs;
                rebalances++;
            }
            return -1;
        }
        if (rebalanceStartMs < 0) {
            return -1;
        }
        long durationMs = nowMs - rebalanceStartMs;
        rebalanceStartMs = -1;
        return durationMs;
    }

    /** Empty without members; Stable when every member owns exactly its target at the group epoch. */
    String state() {
        if (members.isEmpty()) {
            return "Empty";
        }
        for (GroupMember member : members.values()) {
            if (member.memberEpoch != groupEpoch || !member.revoking.isEmpty()
                    || !member.assigned.equals(target.getOrDefault(member.memberId, Set.of()))) {
                return "Reconciling";
            }
        }
        return "Stable";
    }
}
