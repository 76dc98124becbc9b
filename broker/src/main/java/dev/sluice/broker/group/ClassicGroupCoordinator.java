package dev.sluice.broker.group;

import dev.sluice.broker.group.classic.ClassicGroups;
import dev.sluice.broker.group.classic.ClassicJoin;
import dev.sluice.broker.group.classic.ClassicSync;
import dev.sluice.broker.group.classic.JoinOutcome;
import dev.sluice.broker.group.classic.SyncOutcome;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Kafka's classic group membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) on the {@link GroupCoordinator}'s
 * offsets partitions: each partition this broker leads has its {@link ClassicGroups}, driven under the partition's
 * lock with the coordinator's clock; the completions it queues (answers to JoinGroup and SyncGroup requests that
 * waited for other members) run after the lock is released, on the calling thread. {@link #tick} applies the
 * deadlines (sessions, rebalance timeouts) and must run every {@link #TICK_INTERVAL_MS} on a scheduler.
 *
 * <p>A group id with members of Sluice's server-assigned kind refuses a JoinGroup with
 * {@code INCONSISTENT_GROUP_PROTOCOL} (and the coordinator refuses a Sluice heartbeat into a classic group the same
 * way). Errors from locating the coordinator are {@code NOT_LEADER} (Kafka: NOT_COORDINATOR) and
 * {@code LEADER_NOT_AVAILABLE} (Kafka: COORDINATOR_NOT_AVAILABLE). Thread-safe.
 */
public final class ClassicGroupCoordinator {
    /** How often {@link #tick} should run; session and rebalance deadlines pass at most this late. */
    public static final long TICK_INTERVAL_MS = 100;

    private final GroupCoordinator coordinator;

    public ClassicGroupCoordinator(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    public CompletableFuture<JoinOutcome> join(ClassicJoin join, int offsetsPartitions) {
        GroupCoordinator.Located located = coordinator.locate(join.groupId(), offsetsPartitions);
        if (located.error() != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(failedJoin(located.error(), located.message(), join));
        }
        return call(located.partition(), partition -> {
            if (partition.membership().hasMembers(join.groupId(), coordinator.clock().millis())) {
                return CompletableFuture.completedFuture(failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "group "
                        + join.groupId() + " has members of Sluice's own group protocol; a Kafka classic member "
                        + "cannot join it", join));
            }
            return partition.classic().join(join, coordinator.clock().millis());
        });
    }

    private static JoinOutcome failedJoin(ErrorCode error, String message, ClassicJoin join) {
        return new JoinOutcome(error, message, -1, null, null, "", join.memberId(), List.of());
    }

    public CompletableFuture<SyncOutcome> sync(ClassicSync sync, int offsetsPartitions) {
        GroupCoordinator.Located located = coordinator.locate(sync.groupId(), offsetsPartitions);
        if (located.error() != ErrorCode.NONE) {
            return CompletableFuture.completedFuture(new SyncOutcome(located.error(), located.message(), null, null,
                    new byte[0]));
        }
        return call(located.partition(), partition -> partition.classic().sync(sync, coordinator.clock().millis()));
    }

    public GroupCoordinator.ErrorResult heartbeat(String groupId, String memberId, String instanceId, int generation,
                                                  int offsetsPartitions) {
        GroupCoordinator.Located located = coordinator.locate(groupId, offsetsPartitions);
        if (located.error() != ErrorCode.NONE) {
            return new GroupCoordinator.ErrorResult(located.error(), located.message());
        }
        ErrorCode error = call(located.partition(), partition -> partition.classic().heartbeat(groupId, memberId,
                instanceId, generation, coordinator.clock().millis()));
        return new GroupCoordinator.ErrorResult(error, "");
    }

    /** A member leaving: by member id, or a static member by its {@code group.instance.id}. */
    public record Leaving(String memberId, String instanceId) {
    }

    /**
     * LeaveGroup of several members; {@code members} has each one's error, in order, when {@code error} is
     * {@code NONE}.
     */
    public record LeaveResult(ErrorCode error, String message, List<ErrorCode> members) {
    }

    public LeaveResult leave(String groupId, List<Leaving> leaving, int offsetsPartitions) {
        GroupCoordinator.Located located = coordinator.locate(groupId, offsetsPartitions);
        if (located.error() != ErrorCode.NONE) {
            return new LeaveResult(located.error(), located.message(), List.of());
        }
        List<ErrorCode> errors = call(located.partition(), partition -> {
            List<ErrorCode> each = new ArrayList<>();
            long nowMs = coordinator.clock().millis();
            leaving.forEach(member -> each.add(partition.classic().leave(groupId, member.memberId(),
                    member.instanceId(), nowMs)));
            return each;
        });
        return new LeaveResult(ErrorCode.NONE, "", errors);
    }

    /**
     * Applies the classic groups' deadlines in every offsets partition this broker still coordinates, and fails the
     * waiting requests of those it no longer does (moved, or the coordinator lease ended).
     */
    public void tick() {
        for (Map.Entry<Integer, OffsetsPartition> entry : coordinator.partitions().entrySet()) {
            GroupCoordinator.Located located = coordinator.locateIndex(entry.getKey());
            if (located.error() != ErrorCode.NONE) {
                // Moved partitions were retired by locateIndex; this one stays (loading, handoff, lost lease) but
                // must not keep members waiting for answers it may never give.
                OffsetsPartition stale = coordinator.partitions().get(entry.getKey());
                OffsetsPartition.retire(stale, "group coordinator: " + located.message());
                continue;
            }
            call(located.partition(), partition -> {
                partition.classic().tick(coordinator.clock().millis());
                return null;
            });
        }
    }

    /**
     * Runs {@code action} under the partition's lock, then the completions it queued, after releasing the lock: a
     * completion builds and sends a response, which must not happen while other requests wait for the lock.
     */
    private static <T> T call(OffsetsPartition partition, Function<OffsetsPartition, T> action) {
        T result;
        List<Runnable> ready;
        synchronized (partition) {
            result = action.apply(partition);
            ready = partition.classic().drainReady();
        }
        ready.forEach(Runnable::run);
        return result;
    }
}
