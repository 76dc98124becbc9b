package dev.sluice.client;

import java.util.Objects;

/**
 * A topic name and a partition number. Immutable value, usable as a map key.
 *
 * @param topic the topic name
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
