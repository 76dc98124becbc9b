package dev.sluice.broker.group.assignor;

import dev.sluice.broker.group.TopicPartition;
import java.util.Map;
import java.util.Set;

/**
 * A pure partition assignment strategy, run by the group coordinator. Given each member's subscribed topics (already
 * resolved from topic lists or regexes), the partition count of every subscribed topic and the previous assignment,
 * it returns a new assignment in which every partition of a subscribed topic has exactly one owner, a member
 * subscribed to its topic. Members are ordered by id so the result is deterministic. No state, no I/O; any thread.
 */
public interface Assignor {
    /** The strategy's name as clients send it ({@code partition.assignment.strategy}). */
    String name();

    /**
     * @param subscriptions member id to its subscribed topics
     * @param partitionCounts topic to its partition count; topics missing here do not exist (yet)
     * @param previous member id to what it was assigned before (absent: nothing); used by sticky strategies
     * @return member id to its partitions, with an entry (maybe empty) for every member
     */
    Map<String, Set<TopicPartition>> assign(Map<String, Set<String>> subscriptions,
                                            Map<String, Integer> partitionCounts,
                                            Map<String, Set<TopicPartition>> previous);

    /** The assignor of a given name, or null when there is none. */
    static Assignor named(String name) {
        return switch (name) {
            case RangeAssignor.NAME -> new RangeAssignor();
            case RoundRobinAssignor.NAME -> new RoundRobinAssignor();
            case StickyAssignor.NAME -> new StickyAssignor(StickyAssignor.NAME);
            case StickyAssignor.COOPERATIVE_NAME -> new StickyAssignor(StickyAssignor.COOPERATIVE_NAME);
            default -> null;
        };
    }
}
