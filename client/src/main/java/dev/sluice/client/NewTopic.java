package dev.sluice.client;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A topic to create. The partition count and the replication factor are either given, and then at least 1, or left
 * empty for the broker's defaults ({@code num.partitions}, {@code default.replication.factor}); 0 is never read as
 * "the default".
 *
 * @param name the topic name
 * @param partitions the partition count (>= 1), or empty for the broker default
 * @param replicationFactor the replication factor (>= 1), or empty for the broker default
 * @param configs topic configs to set, never null
 */
public record NewTopic(String name, OptionalInt partitions, OptionalInt replicationFactor,
                       Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (partitions.isPresent() && partitions.getAsInt() < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 (leave it empty for the broker "
                    + "default), got " + partitions.getAsInt());
        }
        if (replicationFactor.isPresent() && replicationFactor.getAsInt() < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1 (leave it empty for the broker "
                    + "default), got " + replicationFactor.getAsInt());
        }
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** A topic with {@code partitions} partitions of {@code replicationFactor} replicas, both at least 1. */
    public NewTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        this(name, OptionalInt.of(partitions), OptionalInt.of(replicationFactor), configs);
    }

    public NewTopic(String name, int partitions, int replicationFactor) {
        this(name, partitions, replicationFactor, Map.of());
    }

    /** A topic with the broker's default partition count and replication factor. */
    public static NewTopic withDefaults(String name, Map<String, String> configs) {
        return new NewTopic(name, OptionalInt.empty(), OptionalInt.empty(), configs);
    }
}
