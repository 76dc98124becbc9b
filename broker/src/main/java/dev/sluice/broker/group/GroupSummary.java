package dev.sluice.broker.group;

import java.util.Map;

/**
 * What the consumer group meters need of one group, read from its coordinator: the group's state ({@code Empty},
 * {@code Reconciling} or {@code Stable}; {@code Empty} for a group with committed offsets and no member state), its
 * member count, the rebalances it started since this coordinator took it over, and its committed offsets. Immutable.
 */
public record GroupSummary(String groupId, String state, int members, long rebalances,
                           Map<TopicPartition, Long> committed) {
    public GroupSummary {
        committed = Map.copyOf(committed);
    }

    GroupSummary withCommitted(Map<TopicPartition, Long> newCommitted) {
        return new GroupSummary(groupId, state, members, rebalances, newCommitted);
    }
}
