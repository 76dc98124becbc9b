package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.net.PartitionPlans;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cuts links between nodes with packet drops: majority/minority, the active controller isolated, a partition leader
 * isolated, a bridge, or a one-way cut. Heal removes every drop rule. Clients keep reaching every node.
 */
public final class PartitionNemesis implements Nemesis {
    private final String name;
    private final Function<NemesisContext, PartitionPlans.Plan> planner;

    private PartitionNemesis(String name, Function<NemesisContext, PartitionPlans.Plan> planner) {
        this.name = name;
        this.planner = planner;
    }

    public static PartitionNemesis majorityMinority() {
        return new PartitionNemesis("partition", c -> PartitionPlans.majorityMinority(c.nodeIds(), c.random()));
    }

    public static PartitionNemesis isolateController() {
        return new PartitionNemesis("partition-controller",
                c -> PartitionPlans.isolate(c.nodeIds(), c.activeControllerOrRandom()));
    }

    public static PartitionNemesis isolateLeader() {
        return new PartitionNemesis("partition-leader",
                c -> PartitionPlans.isolate(c.nodeIds(), c.partitionLeaderOrRandom()));
    }

    public static PartitionNemesis bridge() {
        return new PartitionNemesis("bridge", c -> PartitionPlans.bridge(c.nodeIds(), c.random()));
    }

    public static PartitionNemesis oneWay() {
        return new PartitionNemesis("one-way", c -> PartitionPlans.oneWay(c.activeControllerOrRandom(), c.nodeIds()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        return context.cluster().fabric().linkFaultsUnavailable();
    }

    @Override
    public String start(NemesisContext context) {
        PartitionPlans.Plan plan = planner.apply(context);
        context.cluster().fabric().dropLinks(plan.drops());
        return plan.description();
    }

    @Override
    public String heal(NemesisContext context) {
        context.cluster().fabric().healLinks();
        return "heal network";
    }
}
