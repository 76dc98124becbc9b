package dev.sluice.broker.metrics;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the overview page learns by asking the brokers at one moment, beyond the node's own metadata image: every
 * consumer group their coordinators know with its committed offsets, and the partitions' latest offsets (high
 * watermarks) from their leaders. A broker or leader that did not answer leaves its part out and adds a line to
 * {@code problems}, so the page shows what it could learn and says what it could not. Immutable.
 *
 * @param timeMs when the answers were collected (epoch milliseconds); two samples give a throughput
 * @param groups the consumer groups, sorted by id
 * @param latestOffsets latest offset per partition, from the partition leaders (sorted by partition)
 * @param problems brokers or leaders that did not answer, and why
 */
public record OverviewSample(long timeMs, List<Group> groups, Map<Partition, Long> latestOffsets,
                             List<String> problems) {
    /** A sample taken before any broker was asked: knows nothing. */
    public static final OverviewSample NONE = new OverviewSample(-1, List.of(), Map.of(), List.of());

    public OverviewSample {
        groups = List.copyOf(groups);
        latestOffsets = sorted(latestOffsets);
        problems = List.copyOf(problems);
    }

    /** A topic partition. */
    public record Partition(String topic, int partition) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition other) {
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }

    /**
     * A consumer group as its coordinator reports it.
     *
     * @param state Empty, Reconciling or Stable
     * @param coordinatorId the broker that listed the group (the leader of its offsets partition)
     * @param committed the group's committed offset (the next record it reads) per partition
     */
    public record Group(String groupId, String state, int members, int coordinatorId,
                       Map<Partition, Long> committed) {
        public Group {
            committed = sorted(committed);
        }
    }

    private static Map<Partition, Long> sorted(Map<Partition, Long> offsets) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(offsets));
    }
}
