package dev.sluice.broker.group.assignor;

import dev.sluice.broker.group.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka's round-robin strategy: every partition in (topic, partition) order goes to the next member (by id, cycling)
 * that subscribes to its topic. Balanced within 1 when all members subscribe to the same topics.
 */
public final class RoundRobinAssignor implements Assignor {
    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Set<TopicPartition>> assign(Map<String, Set<String>> subscriptions,
                                                   Map<String, Integer> partitionCounts,
                                                   Map<String, Set<TopicPartition>> previous) {
        TreeMap<String, Set<TopicPartition>> result = Assignments.empty(subscriptions);
        List<String> members = List.copyOf(result.keySet());
        int cursor = 0;
        for (TopicPartition tp : Assignments.subscribedPartitions(subscriptions, partitionCounts)) {
            for (int tried = 0; tried < members.size(); tried++) {
                String member = members.get((cursor + tried) % members.size());
                if (subscriptions.get(member).contains(tp.topic())) {
                    result.get(member).add(tp);
                    cursor = (cursor + tried + 1) % members.size();
                    break;
                }
            }
        }
        return result;
    }
}
