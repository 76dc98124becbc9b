package dev.sluice.client.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Partition choice for records with neither a partition nor a key: stick to one partition per topic
 * so records fill a batch, and move to another one when that batch is full or sent
 * ({@link #onNewBatch}). Thread-safe; randomness is injected.
 */
public final class StickyPartitioner {
    private final Map<String, Integer> current = new ConcurrentHashMap<>();
    private final RandomGenerator random;

    public StickyPartitioner(RandomGenerator random) {
        this.random = random;
    }

    /** The sticky partition of {@code topic}, choosing one at random the first time. */
    public int partition(String topic, int numPartitions) {
        Integer partition = current.get(topic);
        if (partition == null || partition >= numPartitions) {
            partition = random.nextInt(numPartitions);
            current.put(topic, partition);
        }
        return partition;
    }

    /**
     * Called when the sticky partition {@code previous} needs a new batch: move to a different
     * partition (if there is more than one), unless another thread already moved.
     */
    public int onNewBatch(String topic, int numPartitions, int previous) {
        Integer partition = current.get(topic);
        if (partition != null && partition != previous) {
            return partition;
        }
        int next = numPartitions <= 1 ? 0 : (previous + 1 + random.nextInt(numPartitions - 1)) % numPartitions;
        current.put(topic, next);
        return next;
    }
}
