package dev.sluice.metadata;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** A topic: its name, its id and its partitions by index (sorted). Immutable. */
public record TopicImage(String name, UUID id, SortedMap<Integer, PartitionImage> partitions) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    /** Partition {@code index}, or null. */
    public PartitionImage partition(int index) {
        return partitions.get(index);
    }

    public boolean isInternal() {
        return TopicNames.isInternal(name);
    }

    public void write(ImageWriter writer) {
        writer.write(MetadataRecords.topic(name, id));
        partitions.forEach((index, partition) -> writer.write(MetadataRecords.partition(id, index, partition)));
    }
}
