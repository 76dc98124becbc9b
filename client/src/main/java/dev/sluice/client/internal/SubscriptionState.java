package dev.sluice.client.internal;

import dev.sluice.client.PartitionInfo;
import dev.sluice.client.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer reads and where: either a topic subscription (the partitions the group gives, or without a group
 * every partition of the subscribed topics) or a manual assignment, and per assigned partition its position (next
 * offset to return), its fetch offset (next offset to request; ahead of the position when data is buffered) and an
 * epoch that changes on every seek so stale fetches are dropped.
 * Owned by the consumer's polling thread; not thread-safe.
 */
public final class SubscriptionState {
    /** How to find a starting position. */
    public enum ResetStrategy { EARLIEST, LATEST, NONE }

    /** Per-partition fetch state. */
    public static final class PartitionState {
        long position = -1;
        long fetchOffset = -1;
        int epoch;
        ResetStrategy pendingReset;
        long highWatermark = -1;

        public long position() {
            return position;
        }

        public long fetchOffset() {
            return fetchOffset;
        }

        public int epoch() {
            return epoch;
        }

        public long highWatermark() {
            return highWatermark;
        }

        public boolean hasPosition() {
            return position >= 0;
        }
    }

    private Set<String> subscribedTopics;
    private boolean groupManaged;
    private final Map<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();

    /** Subscribes to topics; without a group the assignment follows the metadata ({@link #updateFromMetadata}). */
    public void subscribe(Collection<String> topics) {
        subscribe(topics, false);
    }

    /**
     * Subscribes to topics (empty with a regex subscription); with {@code groupManaged} the group coordinator
     * decides the assignment ({@link #assignFromGroup}), else every partition is assigned.
     */
    public void subscribe(Collection<String> topics, boolean groupManaged) {
        this.groupManaged = groupManaged;
        subscribedTopics = new LinkedHashSet<>(topics);
        if (!groupManaged) {
            assigned.keySet().removeIf(tp -> !subscribedTopics.contains(tp.topic()));
        }
    }

    /** Sets the group-given assignment: kept partitions keep their positions, new ones start without one. */
    public void assignFromGroup(Set<TopicPartition> partitions) {
        assigned.keySet().retainAll(partitions);
        for (TopicPartition tp : partitions) {
            assigned.computeIfAbsent(tp, p -> new PartitionState());
        }
    }

    /** Assigns exactly these partitions, dropping any subscription. */
    public void assign(Collection<TopicPartition> partitions) {
        subscribedTopics = null;
        groupManaged = false;
        Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
        assigned.keySet().retainAll(wanted);
        for (TopicPartition tp : wanted) {
            assigned.computeIfAbsent(tp, p -> new PartitionState());
        }
    }

    public void unsubscribe() {
        subscribedTopics = null;
        groupManaged = false;
        assigned.clear();
    }

    /** The subscribed topics, or an empty set with a manual assignment. */
    public Set<String> subscription() {
        return subscribedTopics == null ? Set.of() : Set.copyOf(subscribedTopics);
    }

    public boolean isSubscribed() {
        return subscribedTopics != null;
    }

    /**
     * With a subscription: assigns every partition the metadata lists for the subscribed topics (new
     * ones start without a position) and drops partitions no longer listed.
     *
     * @return whether the assignment changed
     */
    public boolean updateFromMetadata(Cluster cluster) {
        if (subscribedTopics == null || groupManaged) {
            return false;
        }
        Set<TopicPartition> wanted = new LinkedHashSet<>();
        for (String topic : subscribedTopics) {
            List<PartitionInfo> partitions = cluster.partitions(topic);
            if (partitions != null) {
                partitions.forEach(p -> wanted.add(new TopicPartition(topic, p.partition())));
            } else if (cluster.topics().containsKey(topic)) {
                assigned.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(wanted::add);
            }
        }
        boolean changed = assigned.keySet().retainAll(wanted);
        for (TopicPartition tp : wanted) {
            if (!assigned.containsKey(tp)) {
                assigned.put(tp, new PartitionState());
                changed = true;
            }
        }
        return changed;
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned.keySet());
    }

    /** Assigned partitions in a stable order. */
    public List<TopicPartition> assignedList() {
        return new ArrayList<>(assigned.keySet());
    }

    public boolean isAssigned(TopicPartition tp) {
        return assigned.containsKey(tp);
    }

    /** The state of an assigned partition, or null. */
    public PartitionState state(TopicPartition tp) {
        return assigned.get(tp);
    }

    /** Moves the position (and fetch offset) and invalidates anything fetched before. */
    public void seek(TopicPartition tp, long offset) {
        PartitionState state = requireAssigned(tp);
        state.position = offset;
        state.fetchOffset = offset;
        state.pendingReset = null;
        state.epoch++;
    }

    /** Forgets the position so the next poll looks one up with {@code strategy}. */
    public void requestReset(TopicPartition tp, ResetStrategy strategy) {
        PartitionState state = requireAssigned(tp);
        state.position = -1;
        state.fetchOffset = -1;
        state.pendingReset = strategy;
        state.epoch++;
    }

    /** The reset explicitly requested for a partition (seekToBeginning/End, out of range), or null. */
    public ResetStrategy pendingReset(TopicPartition tp) {
        PartitionState state = assigned.get(tp);
        return state == null ? null : state.pendingReset;
    }

    /** Advances the position after records up to {@code nextOffset - 1} were returned to the application. */
    public void advancePosition(TopicPartition tp, long nextOffset) {
        PartitionState state = assigned.get(tp);
        if (state != null) {
            state.position = nextOffset;
            state.fetchOffset = Math.max(state.fetchOffset, nextOffset);
        }
    }

    /** Records how far fetched data reaches, so the next fetch starts after it. */
    public void advanceFetchOffset(TopicPartition tp, long nextFetchOffset, long highWatermark) {
        PartitionState state = assigned.get(tp);
        if (state != null) {
            state.fetchOffset = Math.max(state.fetchOffset, nextFetchOffset);
            state.highWatermark = highWatermark;
        }
    }

    /** Partitions that have no position yet. */
    public List<TopicPartition> missingPositions() {
        List<TopicPartition> missing = new ArrayList<>();
        assigned.forEach((tp, state) -> {
            if (state.position < 0) {
                missing.add(tp);
            }
        });
        return missing;
    }

    /** Positions of every partition that has one, as offsets to commit. */
    public Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        assigned.forEach((tp, state) -> {
            if (state.position >= 0) {
                positions.put(tp, state.position);
            }
        });
        return positions;
    }

    private PartitionState requireAssigned(TopicPartition tp) {
        PartitionState state = assigned.get(tp);
        if (state == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        return state;
    }
}
