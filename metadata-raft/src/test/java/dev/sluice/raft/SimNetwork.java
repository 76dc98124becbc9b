package dev.sluice.raft;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network: messages in flight ordered by delivery time, with faults the seed picks: drops, random
 * delays (so reordering), duplicates, two-sided partitions and one-way (asymmetric) link cuts. Single-threaded.
 */
final class SimNetwork {
    record Event(long atMs, long sequence, int destinationId, RaftMessage message, int sourceId)
        implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            return atMs != other.atMs ? Long.compare(atMs, other.atMs) : Long.compare(sequence, other.sequence);
        }
    }

    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<Integer, Integer> partitionSide = new HashMap<>();
    /** Cut directed links as "from-to": messages from the first node to the second are lost. */
    private final Set<String> cutLinks = new HashSet<>();
    final double dropRate;
    final double duplicateRate;
    final long maxDelayMs;
    private long sequence;
    boolean faults = true;

    SimNetwork(SplittableRandom random) {
        this.random = random;
        dropRate = random.nextDouble() * 0.2;
        duplicateRate = random.nextDouble() * 0.1;
        maxDelayMs = 1 + random.nextInt(40);
    }

    long sequence() {
        return sequence;
    }

    Event peek() {
        return events.peek();
    }

    Event poll() {
        return events.poll();
    }

    void send(long nowMs, int sourceId, Outbound outbound) {
        int destinationId = outbound.destinationId();
        if (faults && (isCut(sourceId, destinationId) || random.nextDouble() < dropRate)) {
            return;
        }
        events.add(new Event(nowMs + 1 + random.nextLong(maxDelayMs), sequence++, destinationId, outbound.message(),
            sourceId));
        if (faults && random.nextDouble() < duplicateRate) {
            events.add(new Event(nowMs + 1 + random.nextLong(2 * maxDelayMs), sequence++, destinationId,
                outbound.message(), sourceId));
        }
    }

    private boolean isCut(int sourceId, int destinationId) {
        Integer sourceSide = partitionSide.get(sourceId);
        return sourceSide != null && !sourceSide.equals(partitionSide.get(destinationId))
            || cutLinks.contains(sourceId + "-" + destinationId);
    }

    /** Splits the nodes into two sides that cannot talk. */
    void partition(List<Integer> nodes) {
        heal();
        for (int nodeId : nodes) {
            partitionSide.put(nodeId, random.nextInt(2));
        }
    }

    /** Cuts a few links in one direction only: A hears B but B does not hear A. */
    void cutOneWay(List<Integer> nodes) {
        heal();
        int cuts = 1 + random.nextInt(nodes.size());
        for (int i = 0; i < cuts; i++) {
            int from = nodes.get(random.nextInt(nodes.size()));
            int to = nodes.get(random.nextInt(nodes.size()));
            if (from != to) {
                cutLinks.add(from + "-" + to);
            }
        }
    }

    void heal() {
        partitionSide.clear();
        cutLinks.clear();
    }

    String describe() {
        return String.format("drop rate %.2f, duplicate rate %.2f, max delay %d ms", dropRate, duplicateRate,
            maxDelayMs);
    }
}
