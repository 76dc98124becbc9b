package dev.sluice.broker.replication;

/**
 * Hears of each replica fetch round trip that got an answer, with its duration, so the shell can time fetches
 * without replication knowing about meters. Called on the fetcher threads; must be quick and thread-safe.
 */
@FunctionalInterface
public interface ReplicaFetchListener {
    ReplicaFetchListener NONE = nanos -> { };

    void fetched(long durationNanos);
}
