package dev.sluice.metadata;

import java.util.Objects;
import java.util.UUID;

/** A partition named by its topic's id. */
public record TopicIdPartition(UUID topicId, int partition) {
    public TopicIdPartition {
        Objects.requireNonNull(topicId, "topicId");
    }
}
