package dev.sluice.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaHealthTest {
    private static PartitionDescription partition(int index, int leader, List<Integer> replicas, List<Integer> isr) {
        return new PartitionDescription(index, leader, 1, replicas, isr, 0, 10, 10);
    }

    private static TopicDescription topic(String name, PartitionDescription... partitions) {
        return new TopicDescription(name, name + "-id", false, List.of(partitions), Map.of());
    }

    @Test
    void fullIsrsWithLeadersAreHealthy() {
        assertThat(ReplicaHealth.notFullyReplicated(List.of(topic("append",
                partition(0, 4, List.of(4, 5, 6), List.of(5, 4, 6)))))).isEmpty();
    }

    @Test
    void aShortIsrOrAMissingLeaderIsReportedInTopicOrder() {
        assertThat(ReplicaHealth.notFullyReplicated(List.of(
                topic("zeta", partition(0, 4, List.of(4, 5), List.of(4))),
                topic("append", partition(0, 4, List.of(4, 5), List.of(4, 5)),
                        partition(1, -1, List.of(5, 6), List.of(5, 6))))))
                .containsExactly("append-1 (leader -1, replicas [5, 6], isr [5, 6])",
                        "zeta-0 (leader 4, replicas [4, 5], isr [4])");
    }
}
