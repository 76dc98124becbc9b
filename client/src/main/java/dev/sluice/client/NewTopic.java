package dev.sluice.client;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create.
 *
 * @param name the topic name
 * @param partitions the partition count, or 0 for the broker default
 * @param replicationFactor the replication factor, or 0 for the broker default
 * @param configs topic configs to set, never null
 */
public record NewTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
        }
        if (replicationFactor < 0) {
            throw new IllegalArgumentException("replicationFactor must be >= 0, got " + replicationFactor);
        }
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int partitions, int replicationFactor) {
        this(name, partitions, replicationFactor, Map.of());
    }
}
