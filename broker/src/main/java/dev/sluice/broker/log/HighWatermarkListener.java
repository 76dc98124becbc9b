package dev.sluice.broker.log;

/**
 * Told when a partition's high watermark moves forward, so a waiting fetch can look again.
 *
 * <p>Called on the thread that advanced the high watermark (a produce or replication thread) after the
 * partition's lock is released. Implementations must be quick and must not block: hand real work to an
 * executor.
 */
@FunctionalInterface
public interface HighWatermarkListener {

    void onHighWatermarkAdvanced(PartitionLog log, long highWatermark);
}
