package dev.sluice.broker.group.assignor;

import dev.sluice.broker.group.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka's sticky strategies: balanced first (within 1 when members subscribe to the same topics), then keeping
 * as many partitions as possible where they were. Members keep up to their quota of what they had (the members that
 * had the most get the spare slots), the rest goes to the least-loaded subscribed member, and a final pass moves
 * partitions from the most to the least loaded member while they differ by 2 or more.
 *
 * <p>{@code sticky} and {@code cooperative-sticky} compute the same assignment; they differ in the client: with
 * {@code sticky} (an eager protocol) a consumer gives up all its partitions at every assignment change, with
 * {@code cooperative-sticky} only the ones that move.
 */
public final class StickyAssignor implements Assignor {
    public static final String NAME = "sticky";
    public static final String COOPERATIVE_NAME = "cooperative-sticky";

    private final String name;

    StickyAssignor(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Set<TopicPartition>> assign(Map<String, Set<String>> subscriptions,
                                                   Map<String, Integer> partitionCounts,
                                                   Map<String, Set<TopicPartition>> previous) {
        TreeMap<String, Set<TopicPartition>> result = Assignments.empty(subscriptions);
        List<TopicPartition> all = Assignments.subscribedPartitions(subscriptions, partitionCounts);
        Set<TopicPartition> valid = new java.util.HashSet<>(all);
        int members = result.size();
        int floor = all.size() / members;
        int spare = all.size() % members;
        Map<TopicPartition, String> owner = new java.util.HashMap<>();
        List<String> byPreviousSize = new ArrayList<>(result.keySet());
        byPreviousSize.sort(Comparator.comparingInt((String m) -> -previous.getOrDefault(m, Set.of()).size())
                .thenComparing(Comparator.naturalOrder()));
        for (String member : byPreviousSize) {
            for (TopicPartition tp : new java.util.TreeSet<>(previous.getOrDefault(member, Set.of()))) {
                Set<TopicPartition> mine = result.get(member);
                boolean room = mine.size() < floor || mine.size() == floor && spare > 0;
                if (room && valid.contains(tp) && !owner.containsKey(tp)
                        && subscriptions.get(member).contains(tp.topic())) {
                    if (mine.size() == floor) {
                        spare--;
                    }
                    mine.add(tp);
                    owner.put(tp, member);
                }
            }
        }
        for (TopicPartition tp : all) {
            if (!owner.containsKey(tp)) {
                String least = leastLoaded(result, subscriptions, tp.topic());
                result.get(least).add(tp);
                owner.put(tp, least);
            }
        }
        rebalance(result, subscriptions);
        return result;
    }

    private static String leastLoaded(Map<String, Set<TopicPartition>> result, Map<String, Set<String>> subscriptions,
                                      String topic) {
        String least = null;
        for (Map.Entry<String, Set<TopicPartition>> entry : result.entrySet()) {
            if (subscriptions.get(entry.getKey()).contains(topic)
                    && (least == null || entry.getValue().size() < result.get(least).size())) {
                least = entry.getKey();
            }
        }
        return least;
    }

    /** Moves single partitions from heavily to lightly loaded members while that narrows a gap of 2 or more. */
    private static void rebalance(Map<String, Set<TopicPartition>> result, Map<String, Set<String>> subscriptions) {
        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> order = new ArrayList<>(result.keySet());
            order.sort(Comparator.comparingInt((String m) -> -result.get(m).size())
                    .thenComparing(Comparator.naturalOrder()));
            outer:
            for (String heavy : order) {
                for (int i = order.size() - 1; i >= 0; i--) {
                    String light = order.get(i);
                    if (result.get(heavy).size() - result.get(light).size() < 2) {
                        break;
                    }
                    for (TopicPartition tp : result.get(heavy)) {
                        if (subscriptions.get(light).contains(tp.topic())) {
                            result.get(heavy).remove(tp);
                            result.get(light).add(tp);
                            moved = true;
                            break outer;
                        }
                    }
                }
            }
        }
    }
}
