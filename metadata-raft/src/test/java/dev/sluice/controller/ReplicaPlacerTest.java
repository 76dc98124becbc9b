package dev.sluice.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    private static Map<Integer, Integer> leaderCounts(List<List<Integer>> placement) {
        Map<Integer, Integer> counts = new HashMap<>();
        placement.forEach(replicas -> counts.merge(replicas.get(0), 1, Integer::sum));
        return counts;
    }

    @RepeatedTest(10)
    void leadersAndReplicasSpreadEvenlyWithoutRacks(RepetitionInfo repetition) {
        List<BrokerRegistration> brokers = Fixtures.brokers(4).cluster().unfencedBrokers();
        List<List<Integer>> placement = ReplicaPlacer.place(brokers, 8, 3,
                new SplittableRandom(repetition.getCurrentRepetition()));
        assertThat(placement).allSatisfy(replicas -> assertThat(replicas).hasSize(3).doesNotHaveDuplicates());
        assertThat(leaderCounts(placement)).containsOnlyKeys(1, 2, 3, 4).allSatisfy((id, count) ->
                assertThat(count).isEqualTo(2));
        Map<Integer, Long> replicaCounts = placement.stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertThat(replicaCounts.values()).allSatisfy(count -> assertThat(count).isEqualTo(6));
    }

    @RepeatedTest(10)
    void replicasSpanRacksWhenRacksAreSet(RepetitionInfo repetition) {
        MetadataImage image = Fixtures.brokers(6, "a", "a", "b", "b", "c", "c");
        Map<Integer, String> rackOf = new HashMap<>();
        image.cluster().brokers().values().forEach(broker -> rackOf.put(broker.id(), broker.rack()));
        List<List<Integer>> placement = ReplicaPlacer.place(image.cluster().unfencedBrokers(), 12, 3,
                new SplittableRandom(repetition.getCurrentRepetition()));
        for (List<Integer> replicas : placement) {
            Set<String> racks = new HashSet<>();
            replicas.forEach(id -> racks.add(rackOf.get(id)));
            assertThat(racks).as("replicas %s", replicas).hasSize(3);
        }
        assertThat(leaderCounts(placement).values()).allSatisfy(count -> assertThat(count).isEqualTo(2));
    }

    @Test
    void moreReplicasThanRacksUsesEveryRackBeforeDoublingUp() {
        MetadataImage image = Fixtures.brokers(4, "a", "b");
        List<List<Integer>> placement = ReplicaPlacer.place(image.cluster().unfencedBrokers(), 4, 3,
                new SplittableRandom(1));
        for (List<Integer> replicas : placement) {
            Set<String> racks = new HashSet<>();
            replicas.forEach(id -> racks.add(image.cluster().broker(id).rack()));
            assertThat(racks).containsExactlyInAnyOrder("a", "b");
        }
    }
}
