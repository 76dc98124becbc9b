package dev.sluice.client;

import java.util.Collection;

/**
 * Called on the polling thread, inside {@link Consumer#poll}, when the group changes this consumer's partitions.
 * Revocations come before the partitions go to another member (the coordinator waits for this consumer's next
 * heartbeat), so committing in {@link #onPartitionsRevoked} is safe. With an eager strategy ({@code range},
 * {@code roundrobin}, {@code sticky}) every change revokes all partitions first; with {@code cooperative-sticky} only
 * the ones that move.
 */
public interface ConsumerRebalanceListener {
    /** These partitions are taken away; commit what was processed. Called with auto-commit already done. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** These partitions were added. */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * These partitions were lost: the coordinator removed this consumer (session or poll timeout, coordinator
     * change), so they may already belong to another member. Do not commit. Defaults to
     * {@link #onPartitionsRevoked}.
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** A listener that does nothing. */
    ConsumerRebalanceListener NONE = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };
}
