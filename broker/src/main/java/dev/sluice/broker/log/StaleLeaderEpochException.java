package dev.sluice.broker.log;

/**
 * An append carried a leader epoch older than one already in the partition's leader-epoch cache: the appender
 * resolved its leadership before a newer leader epoch wrote. Expected around leader changes; reported to
 * clients as {@code NOT_LEADER} so they refresh metadata.
 */
public final class StaleLeaderEpochException extends RuntimeException {

    public StaleLeaderEpochException(PartitionKey key, int leaderEpoch, int latestEpoch) {
        super("leader epoch " + leaderEpoch + " is older than " + latestEpoch + " in " + key);
    }
}
