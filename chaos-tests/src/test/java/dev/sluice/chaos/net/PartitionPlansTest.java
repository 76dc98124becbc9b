package dev.sluice.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitionPlansTest {
    private static final List<Integer> NODES = List.of(1, 2, 3, 4, 5);

    @Test
    void groupsCutEveryLinkBetweenGroupsBothWaysAndNoneInside() {
        PartitionPlans.Plan plan = PartitionPlans.groups(List.of(List.of(1, 2), List.of(3)));
        assertThat(plan.drops()).containsExactlyInAnyOrder(new LinkPair(1, 3), new LinkPair(3, 1),
                new LinkPair(2, 3), new LinkPair(3, 2));
        assertThat(plan.description()).isEqualTo("partition {1,2} | {3}");
    }

    @Test
    void majorityMinorityLeavesAMajorityConnected() {
        PartitionPlans.Plan plan = PartitionPlans.majorityMinority(NODES, new SplittableRandom(7));
        long cutFromOutside = NODES.stream().filter(n -> plan.drops().stream().filter(d -> d.to() == n).count() == 3)
                .count();
        assertThat(cutFromOutside).isEqualTo(2);
        assertThat(plan.drops()).hasSize(2 * 2 * 3);
    }

    @Test
    void isolateCutsOneNodeOffFromAllOthers() {
        PartitionPlans.Plan plan = PartitionPlans.isolate(List.of(1, 2, 3), 2);
        assertThat(plan.drops()).containsExactlyInAnyOrder(new LinkPair(2, 1), new LinkPair(1, 2),
                new LinkPair(2, 3), new LinkPair(3, 2));
    }

    @Test
    void bridgeNodeKeepsBothSidesWhileTheSidesAreCut() {
        PartitionPlans.Plan plan = PartitionPlans.bridge(NODES, new SplittableRandom(3));
        int bridge = NODES.stream().filter(n -> plan.drops().stream().noneMatch(d -> d.from() == n || d.to() == n))
                .findFirst().orElseThrow();
        assertThat(plan.description()).contains("<-> " + bridge + " <->");
        assertThat(plan.drops()).hasSize(2 * 2 * 2);
    }

    @Test
    void oneWayDropsOnlyOutgoingLinks() {
        PartitionPlans.Plan plan = PartitionPlans.oneWay(1, List.of(1, 2, 3));
        assertThat(plan.drops()).containsExactlyInAnyOrder(new LinkPair(1, 2), new LinkPair(1, 3));
    }

    @Test
    void sameSeedSamePlan() {
        assertThat(PartitionPlans.majorityMinority(NODES, new SplittableRandom(42)))
                .isEqualTo(PartitionPlans.majorityMinority(NODES, new SplittableRandom(42)));
    }
}
