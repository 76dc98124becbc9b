package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionLog;

/**
 * A partition a {@link ReplicaFetcher} replicates: its local log, the leader epoch it follows (from metadata), and
 * when it may be fetched again after an error (epoch milliseconds; 0 when not backing off). Owned by the fetcher,
 * guarded by its lock.
 */
final class FollowedPartition {

    final PartitionLog log;
    final int leaderEpoch;
    long retryAtMs;

    FollowedPartition(PartitionLog log, int leaderEpoch) {
        this.log = log;
        this.leaderEpoch = leaderEpoch;
    }
}
