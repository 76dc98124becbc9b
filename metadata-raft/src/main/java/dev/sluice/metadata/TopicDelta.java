package dev.sluice.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Partition changes of one topic, on top of its image ({@code base} null for a topic this delta creates). Mutable;
 * owned by the thread replaying records.
 */
public final class TopicDelta {
    private final TopicImage base;
    private final String name;
    private final UUID id;
    private final Map<Integer, PartitionImage> changedPartitions = new TreeMap<>();

    TopicDelta(TopicImage base, String name, UUID id) {
        this.base = base;
        this.name = name;
        this.id = id;
    }

    public String name() {
        return name;
    }

    public UUID id() {
        return id;
    }

    /** True when this delta created the topic. */
    public boolean isCreated() {
        return base == null;
    }

    /** The partition as of the records replayed so far, or null. */
    public PartitionImage partition(int index) {
        PartitionImage partition = changedPartitions.get(index);
        if (partition != null || base == null) {
            return partition;
        }
        return base.partition(index);
    }

    /** The partitions created or changed by this delta, in their new state. */
    public Map<Integer, PartitionImage> changedPartitions() {
        return Collections.unmodifiableMap(changedPartitions);
    }

    void putPartition(int index, PartitionImage partition) {
        changedPartitions.put(index, partition);
    }

    TopicImage apply() {
        if (base != null && changedPartitions.isEmpty()) {
            return base;
        }
        TreeMap<Integer, PartitionImage> partitions = base == null ? new TreeMap<>() : new TreeMap<>(base.partitions());
        partitions.putAll(changedPartitions);
        return new TopicImage(name, id, partitions);
    }
}
