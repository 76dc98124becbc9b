package dev.sluice.chaos.nemesis;

import java.util.function.ToIntFunction;

/** kill -9 of one node (random, the active controller, or a partition leader); heal restarts it on its data dir. */
public final class KillNemesis implements Nemesis {
    private final String name;
    private final String targetLabel;
    private final ToIntFunction<NemesisContext> target;
    private int killed = -1;

    private KillNemesis(String name, String targetLabel, ToIntFunction<NemesisContext> target) {
        this.name = name;
        this.targetLabel = targetLabel;
        this.target = target;
    }

    public static KillNemesis random() {
        return new KillNemesis("kill", "random node", c -> c.pick(c.nodeIds()));
    }

    public static KillNemesis activeController() {
        return new KillNemesis("kill-controller", "active controller", NemesisContext::activeControllerOrRandom);
    }

    public static KillNemesis partitionLeader() {
        return new KillNemesis("kill-leader", "partition leader", NemesisContext::partitionLeaderOrRandom);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String start(NemesisContext context) {
        killed = target.applyAsInt(context);
        String pid = context.cluster().processId(killed);
        context.cluster().kill(killed);
        return "kill -9 node " + killed + " (" + targetLabel + ", " + pid + ")";
    }

    @Override
    public String heal(NemesisContext context) throws Exception {
        context.cluster().start(killed);
        return "restart node " + killed + " (" + context.cluster().processId(killed) + ")";
    }
}
