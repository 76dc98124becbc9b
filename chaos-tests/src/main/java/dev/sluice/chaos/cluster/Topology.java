package dev.sluice.chaos.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shape of a chaos cluster (pure): {@link #COMBINED} is three nodes that are each controller and broker;
 * {@link #SPLIT} is three controllers (ids 1-3) and three broker-only nodes (ids 4-6).
 */
public enum Topology {
    COMBINED, SPLIT;

    public List<NodeSpec> nodes() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            nodes.add(new NodeSpec(id, this == COMBINED ? "controller,broker" : "controller"));
        }
        if (this == SPLIT) {
            for (int id = 4; id <= 6; id++) {
                nodes.add(new NodeSpec(id, "broker"));
            }
        }
        return List.copyOf(nodes);
    }

    public List<Integer> nodeIds() {
        return nodes().stream().map(NodeSpec::id).toList();
    }

    public List<Integer> brokerIds() {
        return nodes().stream().filter(NodeSpec::isBroker).map(NodeSpec::id).toList();
    }

    public List<Integer> controllerIds() {
        return nodes().stream().filter(NodeSpec::isController).map(NodeSpec::id).toList();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Topology parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
