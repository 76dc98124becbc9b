package dev.sluice.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A power cut: SIGKILL of one node ({@code power-loss}) or of every node at once ({@code power-loss-all}), then
 * LazyFS drops whatever the node(s) had written but not fsynced (as a machine losing power loses its page cache),
 * then the node(s) restart on what is left. Heal restarts any node that has died since.
 *
 * <p>Needs LazyFS ({@link dev.sluice.chaos.disk.LazyFsDisks}): when either power nemesis runs, every node's data dir
 * is a LazyFS mount for the whole run. Which records the checkers may then miss depends on the append topic's
 * durability promise (see {@code DurabilityPromise} and {@code PowerLosses} in the checker package, which know these
 * nemeses by name).
 */
public final class PowerLossNemesis implements Nemesis {
    private final boolean wholeCluster;
    private List<Integer> victims = List.of();

    private PowerLossNemesis(boolean wholeCluster) {
        this.wholeCluster = wholeCluster;
    }

    public static PowerLossNemesis oneNode() {
        return new PowerLossNemesis(false);
    }

    public static PowerLossNemesis wholeCluster() {
        return new PowerLossNemesis(true);
    }

    @Override
    public String name() {
        return wholeCluster ? "power-loss-all" : "power-loss";
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        Optional<String> reason = context.disks().unavailableReason();
        if (reason.isEmpty()) {
            context.disks().require();
        }
        return reason;
    }

    @Override
    public void prepare(NemesisContext context) throws Exception {
        context.disks().mountAll(context.cluster());
    }

    @Override
    public String start(NemesisContext context) throws Exception {
        victims = wholeCluster ? context.nodeIds() : List.of(context.pick(context.nodeIds()));
        List<String> killed = new ArrayList<>();
        for (int node : victims) {
            killed.add(node + " (" + context.cluster().processId(node) + ")");
            context.cluster().kill(node);
        }
        List<String> cleared = new ArrayList<>();
        for (int node : victims) {
            try {
                context.disks().clearCache(node);
                cleared.add(Integer.toString(node));
            } catch (Exception e) {
                cleared.add(node + " FAILED (" + e.getMessage() + ")");
            }
        }
        List<String> restarted = new ArrayList<>();
        for (int node : victims) {
            try {
                context.cluster().start(node);
                restarted.add(node + " (" + context.cluster().processId(node) + ")");
            } catch (Exception e) {
                // The power loss happened; heal retries the start. The timeline must still say so.
                restarted.add(node + " failed: " + e.getMessage());
            }
        }
        return "power loss of node" + (victims.size() > 1 ? "s " : " ") + String.join(", ", killed)
                + ": kill -9, LazyFS dropped unsynced data of " + String.join(", ", cleared) + ", restarted "
                + String.join(", ", restarted);
    }

    @Override
    public String heal(NemesisContext context) throws Exception {
        List<Integer> restarted = new ArrayList<>();
        for (int node : victims) {
            if (!context.cluster().isAlive(node)) {
                context.cluster().start(node);
                restarted.add(node);
            }
        }
        return restarted.isEmpty() ? "nodes " + victims + " running"
                : "nodes " + restarted + " had died since the power loss (see server.log); restarted";
    }

    @Override
    public void close(NemesisContext context) {
        context.disks().close();
    }
}
