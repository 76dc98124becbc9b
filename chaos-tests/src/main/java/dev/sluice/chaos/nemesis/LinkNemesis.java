package dev.sluice.chaos.nemesis;

import java.util.Optional;

/**
 * Degrades one random node's link: {@code slow} (netem delay, or tbf rate limiting) or {@code lossy} (random drops).
 */
public final class LinkNemesis implements Nemesis {
    private final boolean lossy;

    private LinkNemesis(boolean lossy) {
        this.lossy = lossy;
    }

    public static LinkNemesis slow() {
        return new LinkNemesis(false);
    }

    public static LinkNemesis lossy() {
        return new LinkNemesis(true);
    }

    @Override
    public String name() {
        return lossy ? "lossy" : "slow";
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        return context.cluster().fabric().linkFaultsUnavailable();
    }

    @Override
    public String start(NemesisContext context) {
        int node = context.pick(context.nodeIds());
        if (lossy) {
            double probability = 0.2 + 0.2 * context.random().nextDouble();
            context.cluster().fabric().lossy(node, Math.round(probability * 100) / 100.0);
            return "drop " + Math.round(probability * 100) + "% of packets to node " + node;
        }
        return "slow link of node " + node + ": " + context.cluster().fabric().slow(node);
    }

    @Override
    public String heal(NemesisContext context) {
        context.cluster().fabric().healLinks();
        return "heal network";
    }
}
