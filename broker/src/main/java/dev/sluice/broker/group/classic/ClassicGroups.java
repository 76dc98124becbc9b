package dev.sluice.broker.group.classic;

import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The classic groups of one {@code __consumer_offsets} partition: Kafka's JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup with client-side assignment (the group's leader computes the assignment; the coordinator passes it on).
 * Pure: no I/O, clocks or threads; the caller serializes calls (the offsets partition's lock), passes {@code nowMs},
 * and calls {@link #tick} often (every 100 ms) so deadlines pass on time.
 *
 * <p>JoinGroup and SyncGroup may wait (for the other members, for the leader's assignment): they return futures.
 * Futures are never completed inside a call: completions queue up, and the caller runs {@link #drainReady()} after
 * releasing its lock, so no response is built under it. Member ids come from the injected random generator.
 * Membership is memory only, as for Sluice's own groups: after a coordinator change, members get
 * {@code UNKNOWN_MEMBER_ID} and rejoin.
 */
public final class ClassicGroups {
    /** The session timeouts a member may ask for (Kafka's group.min/max.session.timeout.ms, the minimum lowered). */
    public static final int MIN_SESSION_TIMEOUT_MS = 1_000;
    public static final int MAX_SESSION_TIMEOUT_MS = 1_800_000;

    private final RandomGenerator random;
    private final long initialDelayMs;
    private final Map<String, ClassicGroup> groups = new TreeMap<>();
    private final List<Runnable> ready = new ArrayList<>();

    /**
     * @param initialDelayMs how long a group that was empty waits for more members before its first generation
     *     (Kafka's group.initial.rebalance.delay.ms); each member joining meanwhile extends it, up to the
     *     rebalance timeout
     */
    public ClassicGroups(RandomGenerator random, long initialDelayMs) {
        this.random = random;
        this.initialDelayMs = initialDelayMs;
    }

    public CompletableFuture<JoinOutcome> join(ClassicJoin join, long nowMs) {
        if (join.sessionTimeoutMs() < MIN_SESSION_TIMEOUT_MS || join.sessionTimeoutMs() > MAX_SESSION_TIMEOUT_MS) {
            return failedJoin(ErrorCode.INVALID_SESSION_TIMEOUT, "session timeout " + join.sessionTimeoutMs()
                    + " ms is outside " + MIN_SESSION_TIMEOUT_MS + "-" + MAX_SESSION_TIMEOUT_MS + " ms", join);
        }
        if (join.protocolType().isEmpty() || join.protocols().isEmpty()) {
            return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "a member needs a protocol type and at least "
                    + "one protocol", join);
        }
        ClassicGroup group = groups.computeIfAbsent(join.groupId(),
                id -> new ClassicGroup(id, ready, initialDelayMs));
        String mismatch = group.protocolMismatch(join);
        if (mismatch != null) {
            dropIfUnused(group);
            return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, mismatch, join);
        }
        if (join.memberId().isEmpty()) {
            return firstJoin(group, join, nowMs);
        }
        ClassicMember member = group.members.get(join.memberId());
        if (member == null) {
            if (group.pendingMembers.remove(join.memberId()) != null) {
                return group.addMember(join.memberId(), join, nowMs);
            }
            dropIfUnused(group);
            return failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, "group " + join.groupId() + " has no member "
                    + join.memberId() + "; join with an empty member id", join);
        }
        if (fenced(group, join.memberId(), join.instanceId())) {
            return failedJoin(ErrorCode.FENCED_INSTANCE_ID, fencedMessage(join.instanceId()), join);
        }
        return group.rejoin(member, join, nowMs);
    }

    private CompletableFuture<JoinOutcome> firstJoin(ClassicGroup group, ClassicJoin join, long nowMs) {
        String memberId = newMemberId(join.clientId());
        if (!join.instanceId().isEmpty()) {
            String current = group.staticMembers.get(join.instanceId());
            if (current != null) {
                return group.replaceStatic(group.members.get(current), memberId, join, nowMs);
            }
            return group.addMember(memberId, join, nowMs);
        }
        if (join.requireKnownMemberId()) {
            group.pendingMembers.put(memberId, nowMs + join.sessionTimeoutMs());
            return CompletableFuture.completedFuture(JoinOutcome.failed(ErrorCode.MEMBER_ID_REQUIRED,
                    "join again with the member id given", memberId));
        }
        return group.addMember(memberId, join, nowMs);
    }

    public CompletableFuture<SyncOutcome> sync(ClassicSync sync, long nowMs) {
        ClassicGroup group = groups.get(sync.groupId());
        ClassicMember member = group == null ? null : group.members.get(sync.memberId());
        ErrorCode error = checkMember(group, sync.memberId(), sync.instanceId(), sync.generation());
        if (error != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(SyncOutcome.failed(error, describe(error, sync.groupId(),
                    sync.memberId(), sync.instanceId())));
        }
        if (mismatch(sync.protocolType(), group.protocolType) || mismatch(sync.protocolName(), group.protocolName)) {
            return CompletableFuture.completedFuture(SyncOutcome.failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                    "group " + group.groupId + " uses " + group.protocolType + "/" + group.protocolName));
        }
        return group.sync(member, sync, nowMs);
    }

    private static boolean mismatch(String sent, String actual) {
        return sent != null && !sent.isEmpty() && !sent.equals(actual);
    }

    public ErrorCode heartbeat(String groupId, String memberId, String instanceId, int generation, long nowMs) {
        ClassicGroup group = groups.get(groupId);
        ErrorCode error = checkMember(group, memberId, instanceId, generation);
        return error != ErrorCode.NONE ? error : group.heartbeat(group.members.get(memberId), nowMs);
    }

    /**
     * LeaveGroup of one member: by member id, or (a static member) by instance id, when its member id is empty or
     * the one holding that instance id.
     */
    public ErrorCode leave(String groupId, String memberId, String instanceId, long nowMs) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        String id = memberId;
        if (instanceId != null && !instanceId.isEmpty()) {
            String current = group.staticMembers.get(instanceId);
            if (current == null) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
            id = current;
        }
        ClassicMember member = group.members.get(id);
        if (member == null) {
            return group.pendingMembers.remove(id) != null ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
        }
        group.remove(member, nowMs, "member " + id + " left");
        return ErrorCode.NONE;
    }

    /**
     * Whether a commit by {@code memberId} at {@code generation} may go ahead, as Kafka checks it: a commit outside
     * membership (empty member id, generation below 0) only into a group without members; a member of the current
     * generation otherwise, and not while the generation's assignment is being handed out.
     */
    public ErrorCode validateCommit(String groupId, String memberId, int generation) {
        ClassicGroup group = groups.get(groupId);
        if (memberId.isEmpty() && generation < 0) {
            return group == null || group.members.isEmpty() ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (group != null && group.state == ClassicGroup.State.COMPLETING_REBALANCE
                && group.members.containsKey(memberId)) {
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        return checkMember(group, memberId, null, generation);
    }

    private static ErrorCode checkMember(ClassicGroup group, String memberId, String instanceId, int generation) {
        if (group != null && fenced(group, memberId, instanceId)) {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        if (group == null || !group.members.containsKey(memberId)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return generation == group.generation ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }

    private static boolean fenced(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId == null || instanceId.isEmpty()) {
            return false;
        }
        String current = group.staticMembers.get(instanceId);
        return current != null && !current.equals(memberId);
    }

    private static String describe(ErrorCode error, String groupId, String memberId, String instanceId) {
        return switch (error) {
            case FENCED_INSTANCE_ID -> fencedMessage(instanceId);
            case ILLEGAL_GENERATION -> "member " + memberId + " is not in the current generation of group "
                    + groupId + "; rejoin";
            default -> "group " + groupId + " has no member " + memberId + "; rejoin";
        };
    }

    private static String fencedMessage(String instanceId) {
        return "another member holds group.instance.id " + instanceId;
    }

    /** Whether the group exists here with members (or member ids handed out and not used yet). */
    public boolean hasMembers(String groupId) {
        ClassicGroup group = groups.get(groupId);
        return group != null && (!group.members.isEmpty() || !group.pendingMembers.isEmpty());
    }

    /** Applies every deadline up to {@code nowMs}; forgets groups left without members. */
    public void tick(long nowMs) {
        for (ClassicGroup group : List.copyOf(groups.values())) {
            group.tick(nowMs);
            if (group.state == ClassicGroup.State.EMPTY && group.pendingMembers.isEmpty()) {
                // An empty group is only its committed offsets, which live in the offsets partition.
                groups.remove(group.groupId);
            }
        }
    }

    /** The group's snapshot, or null when no classic group of that id exists here. */
    public ClassicGroupView describe(String groupId) {
        ClassicGroup group = groups.get(groupId);
        return group == null ? null : group.view();
    }

    /** Every classic group, by id. */
    public Map<String, ClassicGroupView> list() {
        Map<String, ClassicGroupView> views = new TreeMap<>();
        groups.forEach((id, group) -> views.put(id, group.view()));
        return views;
    }

    /** Forgets a group without members (its offsets are deleted by the caller). */
    public void delete(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null && group.members.isEmpty()) {
            groups.remove(groupId);
        }
    }

    /** Fails every waiting JoinGroup and SyncGroup ({@code NOT_LEADER}): this broker stopped coordinating. */
    public void abandon(String why) {
        groups.values().forEach(group -> group.abandon(why));
    }

    /** The completions queued by the calls so far; run them after releasing the lock. */
    public List<Runnable> drainReady() {
        if (ready.isEmpty()) {
            return List.of();
        }
        List<Runnable> drained = List.copyOf(ready);
        ready.clear();
        return drained;
    }

    private void dropIfUnused(ClassicGroup group) {
        if (group.members.isEmpty() && group.pendingMembers.isEmpty()) {
            groups.remove(group.groupId);
        }
    }

    private CompletableFuture<JoinOutcome> failedJoin(ErrorCode error, String message, ClassicJoin join) {
        return CompletableFuture.completedFuture(JoinOutcome.failed(error, message, join.memberId()));
    }

    private String newMemberId(String clientId) {
        String prefix = clientId.isEmpty() ? "member" : clientId;
        return prefix + "-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    }
}
