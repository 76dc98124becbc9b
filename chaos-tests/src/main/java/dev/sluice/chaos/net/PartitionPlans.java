package dev.sluice.chaos.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Pure partition arithmetic: which directed links to cut for a given grouping of nodes. A plan is a set of
 * {@link LinkPair}s plus a description for the fault timeline. No I/O.
 */
public final class PartitionPlans {
    /** The links to drop and what it means, e.g. {@code "partition {1,2} | {3}"}. */
    public record Plan(Set<LinkPair> drops, String description) {
        public Plan {
            drops = Set.copyOf(drops);
        }
    }

    private PartitionPlans() {
    }

    /** Cuts every link between different groups, both ways. */
    public static Plan groups(List<? extends Collection<Integer>> groups) {
        Set<LinkPair> drops = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            for (int j = 0; j < groups.size(); j++) {
                if (i != j) {
                    for (int a : groups.get(i)) {
                        for (int b : groups.get(j)) {
                            drops.add(new LinkPair(a, b));
                        }
                    }
                }
            }
        }
        List<String> parts = groups.stream().map(g -> new TreeSet<>(g).toString()
                .replace('[', '{').replace(']', '}').replace(" ", "")).toList();
        return new Plan(drops, "partition " + String.join(" | ", parts));
    }

    /** A random split into a majority and a minority (the minority has {@code (n-1)/2} nodes, at least one). */
    public static Plan majorityMinority(List<Integer> nodes, RandomGenerator random) {
        List<Integer> shuffled = shuffled(nodes, random);
        int minority = Math.max(1, (nodes.size() - 1) / 2);
        return groups(List.of(shuffled.subList(minority, shuffled.size()), shuffled.subList(0, minority)));
    }

    /** One node cut off from all others. */
    public static Plan isolate(List<Integer> nodes, int isolated) {
        List<Integer> rest = new ArrayList<>(nodes);
        rest.remove(Integer.valueOf(isolated));
        return groups(List.of(rest, List.of(isolated)));
    }

    /**
     * Jepsen's bridge: two halves that cannot talk to each other, and one node in the middle that talks to both.
     * Needs at least three nodes.
     */
    public static Plan bridge(List<Integer> nodes, RandomGenerator random) {
        if (nodes.size() < 3) {
            throw new IllegalArgumentException("a bridge needs at least 3 nodes, got " + nodes);
        }
        List<Integer> shuffled = shuffled(nodes, random);
        int bridge = shuffled.get(0);
        List<Integer> rest = shuffled.subList(1, shuffled.size());
        List<Integer> left = rest.subList(0, rest.size() / 2);
        List<Integer> right = rest.subList(rest.size() / 2, rest.size());
        Set<LinkPair> drops = new HashSet<>(groups(List.of(left, right)).drops());
        return new Plan(drops, "bridge " + new TreeSet<>(left) + " <-> " + bridge + " <-> " + new TreeSet<>(right));
    }

    /** {@code from} can no longer reach {@code to}s, but still hears from them. */
    public static Plan oneWay(int from, Collection<Integer> to) {
        Set<LinkPair> drops = new HashSet<>();
        for (int target : to) {
            if (target != from) {
                drops.add(new LinkPair(from, target));
            }
        }
        Set<Integer> targets = new TreeSet<>(to);
        targets.remove(from);
        return new Plan(drops, "one-way: " + from + " -/-> " + targets);
    }

    private static List<Integer> shuffled(List<Integer> nodes, RandomGenerator random) {
        List<Integer> copy = new ArrayList<>(nodes);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer swap = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swap);
        }
        return copy;
    }
}
