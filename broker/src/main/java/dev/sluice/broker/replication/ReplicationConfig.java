package dev.sluice.broker.replication;

/**
 * Replication settings, with Kafka's names and defaults. Times in milliseconds, sizes in bytes.
 *
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long leaves the ISR
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}: the long-poll wait of a replica fetch
 * @param replicaFetchMinBytes {@code replica.fetch.min.bytes}
 * @param replicaFetchMaxBytes {@code replica.fetch.response.max.bytes}: over a whole fetch response
 * @param replicaFetchPartitionMaxBytes {@code replica.fetch.max.bytes}: per partition
 * @param replicaFetchBackoffMs {@code replica.fetch.backoff.ms}: after an error, per partition or per source broker
 * @param requestTimeoutMs a fetch's deadline beyond its long-poll wait
 * @param isrChangeRetryBackoffMs after a refused or failed ISR change, wait this long before proposing again
 */
public record ReplicationConfig(long replicaLagTimeMaxMs, int replicaFetchWaitMaxMs, int replicaFetchMinBytes,
                                int replicaFetchMaxBytes, int replicaFetchPartitionMaxBytes,
                                long replicaFetchBackoffMs, long requestTimeoutMs, long isrChangeRetryBackoffMs) {

    public static final ReplicationConfig DEFAULT = new ReplicationConfig(30_000, 500, 1, 10 * 1024 * 1024,
            1024 * 1024, 1_000, 30_000, 100);

    public ReplicationConfig {
        if (replicaLagTimeMaxMs <= 0 || replicaFetchWaitMaxMs < 0 || replicaFetchMaxBytes <= 0
                || replicaFetchPartitionMaxBytes <= 0 || replicaFetchBackoffMs < 0 || requestTimeoutMs <= 0
                || isrChangeRetryBackoffMs < 0) {
            throw new IllegalArgumentException("bad replication config: " + this);
        }
    }

    public ReplicationConfig withReplicaLagTimeMaxMs(long lagMs) {
        return new ReplicationConfig(lagMs, replicaFetchWaitMaxMs, replicaFetchMinBytes, replicaFetchMaxBytes,
                replicaFetchPartitionMaxBytes, replicaFetchBackoffMs, requestTimeoutMs, isrChangeRetryBackoffMs);
    }

    public ReplicationConfig withReplicaFetchWaitMaxMs(int waitMs) {
        return new ReplicationConfig(replicaLagTimeMaxMs, waitMs, replicaFetchMinBytes, replicaFetchMaxBytes,
                replicaFetchPartitionMaxBytes, replicaFetchBackoffMs, requestTimeoutMs, isrChangeRetryBackoffMs);
    }

    public ReplicationConfig withReplicaFetchBackoffMs(long backoffMs) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMinBytes,
                replicaFetchMaxBytes, replicaFetchPartitionMaxBytes, backoffMs, requestTimeoutMs,
                isrChangeRetryBackoffMs);
    }
}
