package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.cli.DrainPlan.Move;
import dev.sluice.cli.DrainPlan.PartitionReplicas;
import dev.sluice.client.BrokerNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrainPlanTest {
    private static BrokerNode broker(int id, String rack) {
        return new BrokerNode(id, "b" + id, 7092, rack, false);
    }

    private static PartitionReplicas partition(String topic, int index, Integer... replicas) {
        return new PartitionReplicas(topic, index, List.of(replicas), replicas.length);
    }

    @Test
    void replacesEachDrainedReplicaInPlaceWithTheLeastLoadedStayingBroker() {
        List<BrokerNode> brokers = List.of(broker(1, ""), broker(2, ""), broker(3, ""), broker(4, ""));
        DrainPlan plan = DrainPlan.plan(brokers, List.of(
                partition("a", 0, 4, 1),
                partition("a", 1, 1, 4),
                partition("b", 0, 2, 3)), Set.of(4));
        assertThat(plan.moves()).containsExactly(
                new Move("a", 0, List.of(4, 1), List.of(2, 1)),
                new Move("a", 1, List.of(1, 4), List.of(1, 3)));
    }

    @Test
    void prefersABrokerInARackThePartitionDoesNotCoverYet() {
        List<BrokerNode> brokers = List.of(broker(1, "r1"), broker(2, "r1"), broker(3, "r2"), broker(4, "r2"));
        DrainPlan plan = DrainPlan.plan(brokers, List.of(
                partition("a", 0, 1, 4),
                partition("b", 0, 3, 1),
                partition("c", 0, 3, 2)), Set.of(4));
        assertThat(plan.moves()).containsExactly(new Move("a", 0, List.of(1, 4), List.of(1, 3)));
    }

    @Test
    void skipsFencedBrokersAsReplacements() {
        List<BrokerNode> brokers = List.of(broker(1, ""), new BrokerNode(2, "b2", 7092, "", true), broker(3, ""),
                broker(4, ""));
        DrainPlan plan = DrainPlan.plan(brokers, List.of(partition("a", 0, 4, 1)), Set.of(4));
        assertThat(plan.moves()).containsExactly(new Move("a", 0, List.of(4, 1), List.of(3, 1)));
    }

    @Test
    void finishesAMoveAnInterruptedRunLeftHalfDone() {
        List<BrokerNode> brokers = List.of(broker(1, ""), broker(2, ""), broker(4, ""));
        PartitionReplicas halfMoved = new PartitionReplicas("a", 0, List.of(2, 1, 4), 2);
        DrainPlan plan = DrainPlan.plan(brokers, List.of(halfMoved), Set.of(4));
        assertThat(plan.moves()).containsExactly(new Move("a", 0, List.of(2, 1, 4), List.of(2, 1)));
    }

    @Test
    void nothingToMoveWhenNoReplicaIsOnTheDrainedBrokers() {
        List<BrokerNode> brokers = List.of(broker(1, ""), broker(2, ""), broker(3, ""));
        assertThat(DrainPlan.plan(brokers, List.of(partition("a", 0, 1, 2)), Set.of(3)).moves()).isEmpty();
    }

    @Test
    void refusesWhenTooFewBrokersWouldStay() {
        List<BrokerNode> brokers = List.of(broker(1, ""), broker(2, ""), broker(3, ""));
        assertThatThrownBy(() -> DrainPlan.plan(brokers, List.of(partition("a", 0, 1, 2, 3)), Set.of(3)))
                .isInstanceOf(DrainPlan.ImpossibleDrainException.class)
                .hasMessageContaining("partition a-0 has 3 replicas [1, 2, 3], but only 2 live brokers would stay");
    }

    @Test
    void refusesAnUnknownBroker() {
        assertThatThrownBy(() -> DrainPlan.plan(List.of(broker(1, "")), List.of(), Set.of(9)))
                .isInstanceOf(DrainPlan.ImpossibleDrainException.class)
                .hasMessageContaining("broker 9 is not registered");
    }
}
