package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionLog;

/**
 * A partition a {@link ReplicaFetcher} replicates: its local log, the leader epoch it follows (from metadata), when
 * it may be fetched again after an error (epoch milliseconds; 0 when not backing off), and what its lag meters read:
 * the leader's log end from the last answer (-1 before one) and when this replica last had it. Owned by the fetcher,
 * guarded by its lock.
 */
final class FollowedPartition {

    final PartitionLog log;
    final int leaderEpoch;
    long retryAtMs;
    long leaderEndOffset = -1;
    long lastCaughtUpMs;

    /** Following starts the caught-up clock: a replica that never catches up shows its lag growing from then. */
    FollowedPartition(PartitionLog log, int leaderEpoch, long nowMs) {
        this.log = log;
        this.leaderEpoch = leaderEpoch;
        this.lastCaughtUpMs = nowMs;
    }

    /** Records a successful answer once applied: the leader's log end then, and whether this replica has it. */
    void leaderAnswered(long leaderLogEnd, long nowMs) {
        leaderEndOffset = leaderLogEnd;
        if (log.logEndOffset() >= leaderLogEnd) {
            lastCaughtUpMs = nowMs;
        }
    }

    FollowerLag lag() {
        long records = leaderEndOffset < 0 ? -1 : Math.max(0, leaderEndOffset - log.logEndOffset());
        return new FollowerLag(log.key(), records, lastCaughtUpMs);
    }
}
