package dev.sluice.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The topics, by id and by name (two views of the same {@link TopicImage}s). Immutable; any thread.
 *
 * <p>Copy-on-write: {@link TopicsDelta} copies the two top-level maps but shares every {@link TopicImage} that did
 * not change, so an update costs one map copy plus the changed topics.
 */
public final class TopicsImage {
    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of());

    private final Map<UUID, TopicImage> byId;
    private final Map<String, TopicImage> byName;

    /** Takes ownership of both maps, which the caller must not touch again. */
    TopicsImage(Map<UUID, TopicImage> byId, Map<String, TopicImage> byName) {
        if (byId.size() != byName.size()) {
            throw new IllegalStateException(byId.size() + " topics by id but " + byName.size() + " by name");
        }
        this.byId = Collections.unmodifiableMap(byId);
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Builds an image from topics (for tests and tools); names and ids must be unique. */
    public static TopicsImage of(Iterable<TopicImage> topics) {
        Map<UUID, TopicImage> byId = new HashMap<>();
        Map<String, TopicImage> byName = new HashMap<>();
        for (TopicImage topic : topics) {
            if (byId.put(topic.id(), topic) != null || byName.put(topic.name(), topic) != null) {
                throw new IllegalStateException("duplicate topic " + topic.name() + " / " + topic.id());
            }
        }
        return new TopicsImage(byId, byName);
    }

    public Map<UUID, TopicImage> topicsById() {
        return byId;
    }

    public Map<String, TopicImage> topicsByName() {
        return byName;
    }

    /** The topic with this id, or null. */
    public TopicImage topic(UUID id) {
        return byId.get(id);
    }

    /** The topic with this name, or null. */
    public TopicImage topic(String name) {
        return byName.get(name);
    }

    /** The partition, or null when the topic or the partition does not exist. */
    public PartitionImage partition(UUID topicId, int partition) {
        TopicImage topic = byId.get(topicId);
        return topic == null ? null : topic.partition(partition);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Writes the topics in name order. */
    public void write(ImageWriter writer) {
        new TreeMap<>(byName).values().forEach(topic -> topic.write(writer));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicsImage that && byId.equals(that.byId);
    }

    @Override
    public int hashCode() {
        return byId.hashCode();
    }

    @Override
    public String toString() {
        return "TopicsImage" + new TreeMap<>(byName).values();
    }
}
