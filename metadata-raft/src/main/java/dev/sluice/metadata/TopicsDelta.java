package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.PartitionChangeRecord;
import dev.sluice.proto.internal.v1.PartitionRecord;
import dev.sluice.proto.internal.v1.TopicRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Topic and partition changes on top of a {@link TopicsImage}. Mutable; owned by the thread replaying records.
 *
 * <p>Invariants (a violation is a broken log, so {@link IllegalStateException}): a new topic has a legal name that
 * no live topic has and an id no topic of the base image ever had in it; partition records name a live topic and a
 * new partition; partition changes and removals name live ones.
 */
public final class TopicsDelta {
    private final TopicsImage base;
    /** Topics created or changed by this delta and still live, by id. */
    private final Map<UUID, TopicDelta> changed = new LinkedHashMap<>();
    /** Names of the live topics this delta created. */
    private final Map<String, UUID> createdNames = new HashMap<>();
    /** Topics of the base image removed by this delta: id to name. */
    private final Map<UUID, String> deleted = new LinkedHashMap<>();

    TopicsDelta(TopicsImage base) {
        this.base = base;
    }

    /** The live topic's id for this name as of the records replayed so far, or null. */
    public UUID topicId(String name) {
        UUID created = createdNames.get(name);
        if (created != null) {
            return created;
        }
        TopicImage topic = base.topic(name);
        return topic == null || deleted.containsKey(topic.id()) ? null : topic.id();
    }

    /** True when a live topic has this id, as of the records replayed so far. */
    public boolean topicExists(UUID id) {
        return changed.containsKey(id) || (base.topic(id) != null && !deleted.containsKey(id));
    }

    /** The partition as of the records replayed so far, or null. */
    public PartitionImage partition(UUID topicId, int partition) {
        TopicDelta topic = changed.get(topicId);
        if (topic != null) {
            return topic.partition(partition);
        }
        return deleted.containsKey(topicId) ? null : base.partition(topicId, partition);
    }

    /** The live topics this delta created or changed. */
    public Map<UUID, TopicDelta> changedTopics() {
        return Collections.unmodifiableMap(changed);
    }

    /** The ids of the topics this delta created (and did not remove again). */
    public Set<UUID> createdTopicIds() {
        Set<UUID> created = new LinkedHashSet<>();
        changed.values().stream().filter(TopicDelta::isCreated).forEach(topic -> created.add(topic.id()));
        return created;
    }

    /** The topics of the base image this delta removed: id to name. */
    public Map<UUID, String> deletedTopics() {
        return Collections.unmodifiableMap(deleted);
    }

    /** Every partition created or changed by this delta (of live topics), in its new state. */
    public Map<TopicIdPartition, PartitionImage> changedPartitions() {
        Map<TopicIdPartition, PartitionImage> partitions = new LinkedHashMap<>();
        for (TopicDelta topic : changed.values()) {
            topic.changedPartitions().forEach((index, partition) ->
                    partitions.put(new TopicIdPartition(topic.id(), index), partition));
        }
        return partitions;
    }

    void replay(TopicRecord record) {
        UUID id = MetadataRecords.topicId(record.getTopicId());
        String name = record.getName();
        TopicNames.validate(name).ifPresent(error -> {
            throw new IllegalStateException("topic record: " + error);
        });
        if (topicId(name) != null) {
            throw new IllegalStateException("topic '" + name + "' already exists");
        }
        if (changed.containsKey(id) || base.topic(id) != null) {
            throw new IllegalStateException("topic id " + id + " of '" + name + "' is already in use");
        }
        changed.put(id, new TopicDelta(null, name, id));
        createdNames.put(name, id);
    }

    void replay(PartitionRecord record) {
        UUID id = MetadataRecords.topicId(record.getTopicId());
        int index = record.getPartition();
        TopicDelta topic = liveTopic(id, "partition record");
        if (index < 0 || topic.partition(index) != null) {
            throw new IllegalStateException("partition " + id + "-" + index + " is negative or already exists");
        }
        topic.putPartition(index, new PartitionImage(record.getReplicasList(), record.getIsrList(),
                record.getLeaderId(), record.getLeaderEpoch(), record.getPartitionEpoch(),
                record.getEligibleLeadersList()));
    }

    void replay(PartitionChangeRecord record) {
        UUID id = MetadataRecords.topicId(record.getTopicId());
        TopicDelta topic = liveTopic(id, "partition change");
        PartitionImage partition = topic.partition(record.getPartition());
        if (partition == null) {
            throw new IllegalStateException("partition change for unknown partition " + id + "-"
                    + record.getPartition());
        }
        topic.putPartition(record.getPartition(), partition.merge(record));
    }

    /** Removes a live topic; returns its name so its configs can go too. */
    String replayRemoveTopic(UUID id) {
        if (!topicExists(id)) {
            throw new IllegalStateException("remove of unknown topic id " + id);
        }
        TopicDelta topic = changed.remove(id);
        if (topic != null && topic.isCreated()) {
            createdNames.remove(topic.name());
            return topic.name();
        }
        String name = base.topic(id).name();
        deleted.put(id, name);
        return name;
    }

    private TopicDelta liveTopic(UUID id, String what) {
        TopicDelta topic = changed.get(id);
        if (topic != null) {
            return topic;
        }
        TopicImage image = base.topic(id);
        if (image == null || deleted.containsKey(id)) {
            throw new IllegalStateException(what + " for unknown topic id " + id);
        }
        topic = new TopicDelta(image, image.name(), id);
        changed.put(id, topic);
        return topic;
    }

    TopicsImage apply() {
        if (changed.isEmpty() && deleted.isEmpty()) {
            return base;
        }
        Map<UUID, TopicImage> byId = new HashMap<>(base.topicsById());
        Map<String, TopicImage> byName = new HashMap<>(base.topicsByName());
        deleted.forEach((id, name) -> {
            byId.remove(id);
            byName.remove(name);
        });
        for (TopicDelta delta : changed.values()) {
            TopicImage topic = delta.apply();
            byId.put(topic.id(), topic);
            byName.put(topic.name(), topic);
        }
        return new TopicsImage(byId, byName);
    }
}
