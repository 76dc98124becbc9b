package dev.sluice.broker.group.assignor;

import dev.sluice.broker.group.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Helpers shared by the assignors. Stateless. */
final class Assignments {
    private Assignments() {
    }

    /** An empty, member-ordered result with an entry for every member. */
    static TreeMap<String, Set<TopicPartition>> empty(Map<String, Set<String>> subscriptions) {
        TreeMap<String, Set<TopicPartition>> result = new TreeMap<>();
        subscriptions.keySet().forEach(member -> result.put(member, new TreeSet<>()));
        return result;
    }

    /** Every existing partition of a topic some member subscribes to, in order. */
    static List<TopicPartition> subscribedPartitions(Map<String, Set<String>> subscriptions,
                                                     Map<String, Integer> partitionCounts) {
        TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(topics::addAll);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            int count = partitionCounts.getOrDefault(topic, 0);
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        return partitions;
    }
}
