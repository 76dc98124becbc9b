package dev.sluice.broker.partition;

/**
 * Maps a (topic, partition) named in a request to the local log this broker leads, or to the error to
 * report. Implemented by the node from its metadata image; must be thread-safe and must not block (it runs
 * on request threads and inside fetch re-evaluation).
 */
@FunctionalInterface
public interface PartitionResolver {

    ResolvedPartition resolve(String topic, int partition);
}
