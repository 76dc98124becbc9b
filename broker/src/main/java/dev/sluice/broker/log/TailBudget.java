package dev.sluice.broker.log;

/**
 * How many bytes of its newest batches each partition of a store may keep in memory ({@link TailBatches}): a
 * store-wide budget shared evenly by the store's partitions, and at most {@link #MAX_PER_PARTITION_BYTES} each, so
 * the heap they take stays within the budget however many partitions the node holds. With the default 32 MiB, each of
 * up to 512 partitions keeps 64 KiB; each of 10,000 keeps 3 KiB, still a small batch for a caught-up reader.
 *
 * <p>Threads: {@link #partitionCountChanged} from the store, {@link #perPartitionBytes} from any appending thread.
 */
final class TailBudget {
    static final long DEFAULT_TOTAL_BYTES = 32L << 20;
    static final int MAX_PER_PARTITION_BYTES = 64 * 1024;

    private final long totalBytes;
    private volatile int perPartitionBytes = MAX_PER_PARTITION_BYTES;

    TailBudget(long totalBytes) {
        if (totalBytes < 0) {
            throw new IllegalArgumentException("negative budget " + totalBytes);
        }
        this.totalBytes = totalBytes;
    }

    /** The store now holds {@code partitions} partition logs. */
    void partitionCountChanged(int partitions) {
        perPartitionBytes = (int) Math.min(MAX_PER_PARTITION_BYTES, totalBytes / Math.max(1, partitions));
    }

    int perPartitionBytes() {
        return perPartitionBytes;
    }
}
