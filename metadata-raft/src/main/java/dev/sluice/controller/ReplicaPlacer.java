package dev.sluice.controller;

import dev.sluice.metadata.BrokerRegistration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Places the replicas of new partitions on unfenced brokers, round-robin from a random start, like Kafka's classic
 * assignment. Stateless apart from the injected random; called on the controller's thread.
 *
 * <p>Brokers are put in a ring: sorted by id, or, when they name at least two racks, interleaved rack by rack
 * (r1b1, r2b1, r3b1, r1b2, ...). Partition {@code p}'s leader is ring position {@code start + p}, so leaders spread
 * evenly. Followers are taken walking the ring from a shifted position (the shift changes every full round so
 * follower sets vary), preferring brokers on racks the partition does not use yet; only once every rack is used does
 * a rack get a second replica. Without racks every broker counts as its own rack.
 */
final class ReplicaPlacer {
    private ReplicaPlacer() {
    }

    /**
     * Returns each partition's replicas, the preferred leader first.
     *
     * @param brokers unfenced brokers, at least {@code replicationFactor} of them
     */
    static List<List<Integer>> place(List<BrokerRegistration> brokers, int partitions, int replicationFactor,
            RandomGenerator random) {
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " with "
                    + brokers.size() + " brokers");
        }
        boolean rackAware = brokers.stream().map(BrokerRegistration::rack).distinct().count() > 1;
        List<BrokerRegistration> ring = rackAware ? interleaveByRack(brokers) : sortedById(brokers);
        int size = ring.size();
        int start = random.nextInt(size);
        int shiftBase = random.nextInt(size);
        int rackCount = (int) ring.stream().map(broker -> rackOf(broker, rackAware)).distinct().count();
        List<List<Integer>> assignment = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            int leaderIndex = (start + partition) % size;
            int shift = size > 1 ? 1 + (shiftBase + partition / size) % (size - 1) : 0;
            assignment.add(placeOne(ring, leaderIndex, shift, replicationFactor, rackAware, rackCount));
        }
        return assignment;
    }

    private static List<Integer> placeOne(List<BrokerRegistration> ring, int leaderIndex, int shift,
            int replicationFactor, boolean rackAware, int rackCount) {
        int size = ring.size();
        Set<Integer> chosen = new LinkedHashSet<>();
        Set<String> usedRacks = new HashSet<>();
        BrokerRegistration leader = ring.get(leaderIndex);
        chosen.add(leader.id());
        usedRacks.add(rackOf(leader, rackAware));
        while (chosen.size() < replicationFactor) {
            boolean tookAny = false;
            for (int step = 0; step < size && chosen.size() < replicationFactor; step++) {
                BrokerRegistration candidate = ring.get((leaderIndex + shift + step) % size);
                String rack = rackOf(candidate, rackAware);
                if (!chosen.contains(candidate.id()) && !usedRacks.contains(rack)) {
                    chosen.add(candidate.id());
                    usedRacks.add(rack);
                    tookAny = true;
                }
            }
            if (!tookAny || usedRacks.size() == rackCount) {
                usedRacks.clear();
            }
        }
        return List.copyOf(chosen);
    }

    private static String rackOf(BrokerRegistration broker, boolean rackAware) {
        return rackAware ? broker.rack() : "broker-" + broker.id();
    }

    private static List<BrokerRegistration> sortedById(List<BrokerRegistration> brokers) {
        List<BrokerRegistration> sorted = new ArrayList<>(brokers);
        sorted.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return sorted;
    }

    private static List<BrokerRegistration> interleaveByRack(List<BrokerRegistration> brokers) {
        Map<String, List<BrokerRegistration>> byRack = new TreeMap<>();
        for (BrokerRegistration broker : sortedById(brokers)) {
            byRack.computeIfAbsent(broker.rack(), rack -> new ArrayList<>()).add(broker);
        }
        List<BrokerRegistration> ring = new ArrayList<>(brokers.size());
        for (int round = 0; ring.size() < brokers.size(); round++) {
            for (List<BrokerRegistration> rackBrokers : byRack.values()) {
                if (round < rackBrokers.size()) {
                    ring.add(rackBrokers.get(round));
                }
            }
        }
        return ring;
    }
}
