package dev.sluice.broker.group.classic;

import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One group of Kafka's classic protocol with client-side assignment: the state machine of Kafka's classic group
 * coordinator. Pure and single-threaded (the caller holds its offsets partition's lock); futures are completed later,
 * through {@code ready}, once the caller released the lock.
 *
 * <pre>
 * Empty               -- a member joins ------------------------------------------------> PreparingRebalance
 * PreparingRebalance  -- every member rejoined (not before the initial delay), or the rebalance timeout passed
 *                        (members that did not rejoin are removed) -- generation + 1 -----> CompletingRebalance
 *                        (or Empty when none is left)
 * CompletingRebalance -- the leader's SyncGroup carries the assignments -------------------> Stable
 * CompletingRebalance, Stable -- a member joins, leaves, changes its protocols, expires, or the leader rejoins
 *                                                                                     ----> PreparingRebalance
 * </pre>
 */
final class ClassicGroup {
    /** The group's state, with Kafka's names for DescribeGroups and ListGroups. */
    enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable");

        final String kafkaName;

        State(String kafkaName) {
            this.kafkaName = kafkaName;
        }
    }

    final String groupId;
    State state = State.EMPTY;
    int generation;
    String protocolType;
    String protocolName;
    String leaderId = "";
    final Map<String, ClassicMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED and not used yet, with when they expire. */
    final Map<String, Long> pendingMembers = new HashMap<>();
    /** group.instance.id to the member id holding it now. */
    final Map<String, String> staticMembers = new HashMap<>();
    private final List<Runnable> ready;
    private final long initialDelayMs;
    private boolean initialDelay;
    private long rebalanceStartMs;
    private long joinDeadlineMs;
    private long syncDeadlineMs;

    ClassicGroup(String groupId, List<Runnable> ready, long initialDelayMs) {
        this.groupId = groupId;
        this.ready = ready;
        this.initialDelayMs = initialDelayMs;
    }

    /** Why {@code join} cannot take part in this group (another protocol type, no protocol in common), or null. */
    String protocolMismatch(ClassicJoin join) {
        List<ClassicMember> others = members.values().stream().filter(m -> !m.memberId.equals(join.memberId()))
                .toList();
        if (others.isEmpty()) {
            return null;
        }
        if (!join.protocolType().equals(protocolType == null ? others.get(0).protocolType : protocolType)) {
            return "group " + groupId + " has protocol type " + others.get(0).protocolType + ", not "
                    + join.protocolType();
        }
        boolean common = join.protocols().stream().anyMatch(p -> others.stream().allMatch(m -> m.supports(p.name())));
        return common ? null : "group " + groupId + " has no assignor in common with " + join.protocols().stream()
                .map(ClassicJoin.Protocol::name).toList();
    }

    /** A member that is new to the group (a first join, or the first use of a member id MEMBER_ID_REQUIRED gave). */
    CompletableFuture<JoinOutcome> addMember(String memberId, ClassicJoin join, long nowMs) {
        ClassicMember member = new ClassicMember(memberId, join);
        CompletableFuture<JoinOutcome> answer = new CompletableFuture<>();
        member.awaitingJoin = answer;
        member.lastHeartbeatMs = nowMs;
        members.put(memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.instanceId, memberId);
        }
        if (leaderId.isEmpty()) {
            leaderId = memberId;
        }
        if (state == State.PREPARING_REBALANCE) {
            if (initialDelay) {
                joinDeadlineMs = Math.min(nowMs + initialDelayMs, rebalanceStartMs + maxRebalanceTimeoutMs());
            }
            tryCompleteJoin(nowMs);
        } else {
            prepareRebalance(nowMs);
        }
        return answer;
    }

    /**
     * A static member's new incarnation (same group.instance.id, new member id): the old one is fenced. In a stable
     * group with unchanged protocols it takes the old one's assignment without a rebalance (unless it was the
     * leader, who must see the members again).
     */
    CompletableFuture<JoinOutcome> replaceStatic(ClassicMember old, String memberId, ClassicJoin join, long nowMs) {
        members.remove(old.memberId);
        fail(old, ErrorCode.FENCED_INSTANCE_ID, "a newer member joined with group.instance.id " + old.instanceId);
        boolean wasLeader = old.memberId.equals(leaderId);
        if (state == State.STABLE && !wasLeader && old.sameProtocols(join)) {
            ClassicMember member = new ClassicMember(memberId, join);
            member.assignment = old.assignment;
            member.synced = true;
            member.lastHeartbeatMs = nowMs;
            members.put(memberId, member);
            staticMembers.put(member.instanceId, memberId);
            return CompletableFuture.completedFuture(outcome(member));
        }
        if (wasLeader) {
            leaderId = "";
        }
        return addMember(memberId, join, nowMs);
    }

    /** A join by a member already in the group. */
    CompletableFuture<JoinOutcome> rejoin(ClassicMember member, ClassicJoin join, long nowMs) {
        member.lastHeartbeatMs = nowMs;
        boolean same = member.sameProtocols(join);
        member.update(join);
        CompletableFuture<JoinOutcome> answer = new CompletableFuture<>();
        switch (state) {
            case PREPARING_REBALANCE -> {
                if (member.awaitingJoin != null) {
                    complete(member.awaitingJoin, JoinOutcome.failed(ErrorCode.REBALANCE_IN_PROGRESS,
                            "a newer JoinGroup of this member replaced this one", member.memberId));
                }
                member.awaitingJoin = answer;
                tryCompleteJoin(nowMs);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                if (same && (state == State.COMPLETING_REBALANCE || !member.memberId.equals(leaderId))) {
                    return CompletableFuture.completedFuture(outcome(member));
                }
                member.awaitingJoin = answer;
                prepareRebalance(nowMs);
            }
            default -> throw new IllegalStateException("a member in an empty group: " + groupId);
        }
        return answer;
    }

    private void prepareRebalance(long nowMs) {
        if (state == State.COMPLETING_REBALANCE) {
            for (ClassicMember member : members.values()) {
                if (member.awaitingSync != null) {
                    complete(member.awaitingSync, SyncOutcome.failed(ErrorCode.REBALANCE_IN_PROGRESS,
                            "group " + groupId + " is rebalancing again; rejoin"));
                    member.awaitingSync = null;
                }
            }
        }
        initialDelay = state == State.EMPTY;
        state = State.PREPARING_REBALANCE;
        rebalanceStartMs = nowMs;
        int timeoutMs = maxRebalanceTimeoutMs();
        joinDeadlineMs = nowMs + (initialDelay ? Math.min(initialDelayMs, timeoutMs) : timeoutMs);
        tryCompleteJoin(nowMs);
    }

    private int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** Completes the join phase when every member has rejoined (after the initial delay) or the deadline passed. */
    void tryCompleteJoin(long nowMs) {
        if (state != State.PREPARING_REBALANCE) {
            return;
        }
        boolean allJoined = pendingMembers.isEmpty()
                && members.values().stream().allMatch(m -> m.awaitingJoin != null);
        if (members.isEmpty() || !initialDelay && allJoined || nowMs >= joinDeadlineMs) {
            completeJoin(nowMs);
        }
    }

    private void completeJoin(long nowMs) {
        for (ClassicMember member : List.copyOf(members.values())) {
            if (member.awaitingJoin == null) {
                forget(member);
            }
        }
        generation++;
        if (members.isEmpty()) {
            state = State.EMPTY;
            protocolName = null;
            protocolType = null;
            leaderId = "";
            return;
        }
        ClassicMember first = members.values().iterator().next();
        protocolType = first.protocolType;
        protocolName = selectProtocol();
        if (!members.containsKey(leaderId)) {
            leaderId = first.memberId;
        }
        state = State.COMPLETING_REBALANCE;
        syncDeadlineMs = nowMs + maxRebalanceTimeoutMs();
        for (ClassicMember member : members.values()) {
            member.synced = false;
            member.assignment = new byte[0];
            member.lastHeartbeatMs = nowMs;
            complete(member.awaitingJoin, outcome(member));
            member.awaitingJoin = null;
        }
    }

    /** Kafka's vote: each member votes for its most preferred assignor among those every member supports. */
    private String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        members.values().iterator().next().latestJoin.protocols().forEach(p -> {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        });
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (ClassicMember member : members.values()) {
            member.latestJoin.protocols().stream().map(ClassicJoin.Protocol::name).filter(votes::containsKey)
                    .findFirst().ifPresent(choice -> votes.merge(choice, 1, Integer::sum));
        }
        String best = candidates.get(0);
        for (Map.Entry<String, Integer> vote : votes.entrySet()) {
            if (vote.getValue() > votes.get(best)) {
                best = vote.getKey();
            }
        }
        return best;
    }

    private JoinOutcome outcome(ClassicMember member) {
        List<JoinOutcome.JoinedMember> joined = List.of();
        if (member.memberId.equals(leaderId)) {
            joined = members.values().stream().map(m -> new JoinOutcome.JoinedMember(m.memberId, m.instanceId,
                    m.latestJoin.metadataOf(protocolName))).toList();
        }
        return new JoinOutcome(ErrorCode.NONE, "", generation, protocolType, protocolName, leaderId,
                member.memberId, joined);
    }

    CompletableFuture<SyncOutcome> sync(ClassicMember member, ClassicSync sync, long nowMs) {
        member.lastHeartbeatMs = nowMs;
        switch (state) {
            case PREPARING_REBALANCE -> {
                return CompletableFuture.completedFuture(SyncOutcome.failed(ErrorCode.REBALANCE_IN_PROGRESS,
                        "group " + groupId + " is rebalancing; rejoin"));
            }
            case STABLE -> {
                return CompletableFuture.completedFuture(syncOutcome(member));
            }
            default -> {
                CompletableFuture<SyncOutcome> answer = new CompletableFuture<>();
                member.awaitingSync = answer;
                member.synced = true;
                if (member.memberId.equals(leaderId)) {
                    for (ClassicMember each : members.values()) {
                        byte[] assignment = sync.assignments().get(each.memberId);
                        each.assignment = assignment == null ? new byte[0] : assignment;
                    }
                    state = State.STABLE;
                    for (ClassicMember each : members.values()) {
                        if (each.awaitingSync != null) {
                            complete(each.awaitingSync, syncOutcome(each));
                            each.awaitingSync = null;
                        }
                    }
                }
                return answer;
            }
        }
    }

    private SyncOutcome syncOutcome(ClassicMember member) {
        return new SyncOutcome(ErrorCode.NONE, "", protocolType, protocolName, member.assignment);
    }

    /** Heartbeat of a known member of this generation: tells it whether to rejoin. */
    ErrorCode heartbeat(ClassicMember member, long nowMs) {
        member.lastHeartbeatMs = nowMs;
        return state == State.PREPARING_REBALANCE ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
    }

    /** Removes a member (LeaveGroup, expiry); the others rebalance. */
    void remove(ClassicMember member, long nowMs, String why) {
        forget(member);
        fail(member, ErrorCode.UNKNOWN_MEMBER_ID, why);
        switch (state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(nowMs);
            case PREPARING_REBALANCE -> tryCompleteJoin(nowMs);
            default -> {
            }
        }
    }

    private void forget(ClassicMember member) {
        members.remove(member.memberId);
        if (member.isStatic() && member.memberId.equals(staticMembers.get(member.instanceId))) {
            staticMembers.remove(member.instanceId);
        }
    }

    private void fail(ClassicMember member, ErrorCode error, String why) {
        if (member.awaitingJoin != null) {
            complete(member.awaitingJoin, JoinOutcome.failed(error, why, member.memberId));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            complete(member.awaitingSync, SyncOutcome.failed(error, why));
            member.awaitingSync = null;
        }
    }

    /** Applies the deadlines: pending ids and sessions expire, a join phase or a sync phase runs out of time. */
    void tick(long nowMs) {
        pendingMembers.values().removeIf(expiresMs -> nowMs >= expiresMs);
        for (ClassicMember member : List.copyOf(members.values())) {
            boolean waiting = member.awaitingJoin != null || member.awaitingSync != null;
            if (!waiting && nowMs - member.lastHeartbeatMs > member.sessionTimeoutMs && members.containsKey(
                    member.memberId)) {
                remove(member, nowMs, "the session of member " + member.memberId + " expired");
            }
        }
        if (state == State.COMPLETING_REBALANCE && nowMs >= syncDeadlineMs) {
            for (ClassicMember member : List.copyOf(members.values())) {
                if (!member.synced && members.containsKey(member.memberId)) {
                    remove(member, nowMs, "member " + member.memberId + " did not send SyncGroup in time");
                }
            }
        }
        tryCompleteJoin(nowMs);
    }

    /** Fails every waiting request: this coordinator stopped coordinating the group. */
    void abandon(String why) {
        members.values().forEach(member -> fail(member, ErrorCode.NOT_LEADER, why));
    }

    ClassicGroupView view() {
        List<ClassicGroupView.Member> described = members.values().stream().map(m -> new ClassicGroupView.Member(
                m.memberId, m.instanceId, m.clientId, m.clientHost,
                protocolName == null ? new byte[0] : m.latestJoin.metadataOf(protocolName),
                state == State.STABLE ? m.assignment : new byte[0])).toList();
        return new ClassicGroupView(groupId, state.kafkaName, generation, protocolType == null ? "" : protocolType,
                protocolName == null ? "" : protocolName, leaderId, described);
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        ready.add(() -> future.complete(value));
    }
}
