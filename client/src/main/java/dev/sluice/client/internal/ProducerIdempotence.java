package dev.sluice.client.internal;

import dev.sluice.client.TopicPartition;
import java.util.HashMap;
import java.util.Map;

/**
 * The idempotent producer's identity and per-partition sequence numbers (Kafka's idempotent part of the
 * {@code TransactionManager}). A batch gets its base sequence when it is first drained and keeps it through its
 * retries, so the leader can drop a retried duplicate and refuse a batch that overtook an earlier one.
 *
 * <p>When a batch that carries a sequence fails for good (a fatal error, retries or delivery time exhausted), the
 * partition's sequence would have a hole the leader can never fill; as Kafka did before KIP-360, the producer
 * then drops its id and asks for a new one ({@link #reset()}), and every unacknowledged batch is re-sequenced
 * under the new id. Ordering across such a reset is best effort.
 *
 * <p>Owned by the sender thread (drain, responses); {@link #hasProducerId()} may be read by any.
 */
public final class ProducerIdempotence {
    private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();
    private volatile long producerId = -1;
    private int producerEpoch;

    public boolean hasProducerId() {
        return producerId > 0;
    }

    public long producerId() {
        return producerId;
    }

    /** Takes a new identity from {@code InitProducerId}; every partition's sequence restarts at 0. */
    public void setProducerId(long newProducerId, int newEpoch) {
        producerId = newProducerId;
        producerEpoch = newEpoch;
        nextSequence.clear();
    }

    /** Forgets the identity after a batch failed for good; a new one is fetched before the next send. */
    public void reset() {
        producerId = -1;
        nextSequence.clear();
    }

    /**
     * Gives {@code batch} the partition's next sequence unless it already has one under the current producer
     * id (a retry keeps its sequence).
     */
    public void maybeAssignSequence(ProducerBatch batch) {
        if (batch.hasSequence() && batch.producerId() == producerId) {
            return;
        }
        int sequence = nextSequence.getOrDefault(batch.partition(), 0);
        batch.setProducerState(producerId, producerEpoch, sequence);
        long next = (long) sequence + batch.recordCount();
        nextSequence.put(batch.partition(), (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
    }

    /** Whether a batch that failed for good breaks this producer's sequence (and so needs {@link #reset()}). */
    public boolean breaksSequence(ProducerBatch batch) {
        return batch.hasSequence() && batch.producerId() == producerId;
    }
}
