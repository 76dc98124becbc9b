package dev.sluice.chaos.net;

/** A directed link between two nodes: packets from {@code from} to {@code to}. */
public record LinkPair(int from, int to) {
    public LinkPair {
        if (from == to) {
            throw new IllegalArgumentException("a link needs two different nodes, got " + from);
        }
    }
}
