package dev.sluice.broker.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.group.TopicPartition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties every assignor keeps, and stickiness of the sticky ones, over random groups and topics. */
class AssignorPropertiesTest {
    private static final List<String> NAMES = List.of("range", "roundrobin", "sticky", "cooperative-sticky");

    record Case(String assignor, Map<String, Set<String>> subscriptions, Map<String, Integer> counts,
                boolean identical) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> members = Arbitraries.integers().between(1, 8);
        Arbitrary<List<Integer>> counts = Arbitraries.integers().between(0, 12).list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<Boolean> identical = Arbitraries.of(true, false);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(Arbitraries.of(NAMES), members, counts, identical, seeds)
                .as((name, memberCount, partitionCounts, same, seed) -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                    Map<String, Integer> topicCounts = new TreeMap<>();
                    for (int t = 0; t < partitionCounts.size(); t++) {
                        topicCounts.put("t" + t, partitionCounts.get(t));
                    }
                    Map<String, Set<String>> subscriptions = new TreeMap<>();
                    for (int m = 0; m < memberCount; m++) {
                        Set<String> topics = new HashSet<>();
                        for (String topic : topicCounts.keySet()) {
                            if (same || random.nextBoolean()) {
                                topics.add(topic);
                            }
                        }
                        if (topics.isEmpty()) {
                            topics.add("t0");
                        }
                        subscriptions.put("m" + m, topics);
                    }
                    return new Case(name, subscriptions, topicCounts, same);
                });
    }

    @Property(tries = 500)
    void everyPartitionHasExactlyOneSubscribedOwner(@ForAll("cases") Case c) {
        Map<String, Set<TopicPartition>> result = Assignor.named(c.assignor())
                .assign(c.subscriptions(), c.counts(), Map.of());
        assertOwnership(c, result);
    }

    @Property(tries = 500)
    void balancedWithinOneForIdenticalSubscriptions(@ForAll("cases") Case c) {
        if (!c.identical()) {
            return;
        }
        Map<String, Set<TopicPartition>> result = Assignor.named(c.assignor())
                .assign(c.subscriptions(), c.counts(), Map.of());
        if (c.assignor().equals("range")) {
            for (String topic : c.counts().keySet()) {
                List<Long> perMember = result.values().stream()
                        .map(set -> set.stream().filter(tp -> tp.topic().equals(topic)).count()).toList();
                assertThat(max(perMember) - min(perMember)).isLessThanOrEqualTo(1);
            }
        } else {
            List<Long> sizes = result.values().stream().map(set -> (long) set.size()).toList();
            assertThat(max(sizes) - min(sizes)).isLessThanOrEqualTo(1);
        }
    }

    /** After a member joins or leaves, sticky strategies move only what balance requires. */
    @Property(tries = 500)
    void stickyKeepsWhatItCan(@ForAll("cases") Case c, @ForAll boolean join) {
        if (!c.assignor().contains("sticky") || !c.identical()) {
            return;
        }
        Assignor assignor = Assignor.named(c.assignor());
        Map<String, Set<TopicPartition>> before = assignor.assign(c.subscriptions(), c.counts(), Map.of());
        Map<String, Set<String>> changed = new TreeMap<>(c.subscriptions());
        if (join) {
            changed.put("new", c.subscriptions().values().iterator().next());
        } else if (changed.size() > 1) {
            changed.remove(changed.keySet().iterator().next());
        }
        Map<String, Set<TopicPartition>> after = assignor.assign(changed, c.counts(), before);
        assertOwnership(new Case(c.assignor(), changed, c.counts(), true), after);
        int total = c.counts().values().stream().mapToInt(Integer::intValue).sum();
        int ceiling = (total + changed.size() - 1) / changed.size();
        for (String member : changed.keySet()) {
            Set<TopicPartition> had = before.getOrDefault(member, Set.of());
            Set<TopicPartition> kept = new HashSet<>(had);
            kept.retainAll(after.get(member));
            // A surviving member keeps everything it had, up to the new (ceiling) quota.
            assertThat(kept.size()).isGreaterThanOrEqualTo(Math.min(had.size(), total / changed.size()));
            assertThat(after.get(member).size()).isLessThanOrEqualTo(ceiling);
        }
    }

    private static void assertOwnership(Case c, Map<String, Set<TopicPartition>> result) {
        assertThat(result.keySet()).isEqualTo(c.subscriptions().keySet());
        Map<TopicPartition, String> owners = new HashMap<>();
        result.forEach((member, partitions) -> partitions.forEach(tp -> {
            assertThat(owners.put(tp, member)).as("second owner of %s", tp).isNull();
            assertThat(c.subscriptions().get(member)).contains(tp.topic());
        }));
        Set<TopicPartition> expected = new HashSet<>();
        Set<String> subscribed = new HashSet<>();
        c.subscriptions().values().forEach(subscribed::addAll);
        for (String topic : subscribed) {
            for (int p = 0; p < c.counts().getOrDefault(topic, 0); p++) {
                expected.add(new TopicPartition(topic, p));
            }
        }
        assertThat(owners.keySet()).isEqualTo(expected);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0);
    }
}
