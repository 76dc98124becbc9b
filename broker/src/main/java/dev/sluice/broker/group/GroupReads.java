package dev.sluice.broker.group;

import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What describe, list and the group meters read of one offsets partition: both kinds of membership and the committed
 * offsets. Pure; the caller holds the partition's lock and has caught it up.
 */
final class GroupReads {
    private GroupReads() {
    }

    static GroupCoordinator.GroupDescribed describe(OffsetsPartition partition, String groupId, long nowMs) {
        GroupView view = partition.membership().describe(groupId, nowMs);
        Map<OffsetKey, CommittedOffset> offsets = new TreeMap<>(Comparator.comparing(OffsetKey::topic)
                .thenComparingInt(OffsetKey::partition));
        partition.snapshot().forEach((key, value) -> {
            if (key.groupId().equals(groupId)) {
                offsets.put(key, value);
            }
        });
        return new GroupCoordinator.GroupDescribed(ErrorCode.NONE, "", view, partition.classic().describe(groupId),
                offsets);
    }

    /** Adds the partition's groups to {@code groups}: those with members as such, the others as offsets only. */
    static void list(OffsetsPartition partition, long nowMs, Map<String, GroupListed> groups) {
        partition.snapshot().keySet().forEach(key ->
                groups.putIfAbsent(key.groupId(), new GroupListed(key.groupId(), null, null)));
        partition.classic().list().forEach((id, view) -> groups.put(id, new GroupListed(id, null, view)));
        partition.membership().list(nowMs).forEach((id, view) -> groups.put(id, new GroupListed(id, view, null)));
    }

    /** The partition's groups as the meters see them; a classic group's state is mapped to the meters' three. */
    static List<GroupSummary> summaries(OffsetsPartition partition, long nowMs) {
        Map<String, GroupSummary> byGroup = partition.membership().summaries(nowMs);
        partition.classic().list().forEach((id, view) -> byGroup.putIfAbsent(id,
                new GroupSummary(id, summaryState(view.state()), view.members().size(), 0, Map.of())));
        Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
        partition.snapshot().forEach((key, value) -> committed
                .computeIfAbsent(key.groupId(), group -> new HashMap<>())
                .put(new TopicPartition(key.topic(), key.partition()), value.offset()));
        committed.keySet().forEach(group -> byGroup.putIfAbsent(group,
                new GroupSummary(group, "Empty", 0, 0, Map.of())));
        List<GroupSummary> summaries = new ArrayList<>();
        byGroup.forEach((group, summary) ->
                summaries.add(summary.withCommitted(committed.getOrDefault(group, Map.of()))));
        return summaries;
    }

    /** Kafka's PreparingRebalance and CompletingRebalance are the meters' Reconciling. */
    private static String summaryState(String classicState) {
        return switch (classicState) {
            case "Empty", "Stable" -> classicState;
            default -> "Reconciling";
        };
    }
}
