package dev.sluice.broker.group.assignor;

import dev.sluice.broker.group.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's range strategy: per topic, the subscribed members (by id) get contiguous ranges of partitions, the first
 * {@code partitions % members} of them one more. Balanced within 1 per topic, not across topics.
 */
public final class RangeAssignor implements Assignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Set<TopicPartition>> assign(Map<String, Set<String>> subscriptions,
                                                   Map<String, Integer> partitionCounts,
                                                   Map<String, Set<TopicPartition>> previous) {
        TreeMap<String, Set<TopicPartition>> result = Assignments.empty(subscriptions);
        TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(topics::addAll);
        for (String topic : topics) {
            List<String> members = result.keySet().stream()
                    .filter(member -> subscriptions.get(member).contains(topic)).toList();
            int count = partitionCounts.getOrDefault(topic, 0);
            int each = count / members.size();
            int extra = count % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int take = each + (i < extra ? 1 : 0);
                for (int p = next; p < next + take; p++) {
                    result.get(members.get(i)).add(new TopicPartition(topic, p));
                }
                next += take;
            }
        }
        return result;
    }
}
