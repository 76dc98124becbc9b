package dev.sluice.cli;

import dev.sluice.client.BrokerNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the replicas on brokers about to be removed go: for every partition with a replica on a draining broker, a
 * new replica list in which each draining broker is replaced, in the same position (so a preferred leader that
 * stays keeps its place), by a live broker that stays. A move left half done by an interrupted drain (or another
 * reassignment) is planned from its target, so running the drain again finishes it. Pure: the cluster comes in as
 * values.
 *
 * <p>The replacement is the staying broker that (1) is unfenced and not already a replica, (2) adds a rack the
 * partition's other replicas do not cover, when racks are set, (3) holds the fewest replicas, counting the moves
 * planned so far, and (4) has the lowest id, so the plan is the same every time for the same cluster.
 */
public final class DrainPlan {
    private final List<Move> moves;

    private DrainPlan(List<Move> moves) {
        this.moves = List.copyOf(moves);
    }

    /** One partition's move. */
    public record Move(String topic, int partition, List<Integer> from, List<Integer> to) {
        public Move {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }
    }

    /**
     * The replicas of one partition as the plan reads them. While a move is under way the list is longer than the
     * replication factor: the move's target comes first, the replicas it replaces follow.
     */
    public record PartitionReplicas(String topic, int partition, List<Integer> replicas, int replicationFactor) {
        public PartitionReplicas {
            replicas = List.copyOf(replicas);
        }

        /** The replicas once any move under way completes. */
        List<Integer> settled() {
            return replicas.size() > replicationFactor ? replicas.subList(0, replicationFactor) : replicas;
        }
    }

    /** The drain cannot be planned: too few brokers would stay. Nothing was changed. */
    public static final class ImpossibleDrainException extends IllegalArgumentException {
        ImpossibleDrainException(String message) {
            super(message);
        }
    }

    /**
     * Plans moving every replica off {@code draining}.
     *
     * @throws ImpossibleDrainException when a draining id is not a registered broker, or some partition would need
     *     more live brokers than stay
     */
    public static DrainPlan plan(List<BrokerNode> brokers, List<PartitionReplicas> partitions, Set<Integer> draining) {
        Map<Integer, BrokerNode> byId = new HashMap<>();
        brokers.forEach(b -> byId.put(b.id(), b));
        for (int id : draining) {
            if (!byId.containsKey(id)) {
                throw new ImpossibleDrainException("broker " + id + " is not registered; registered brokers: "
                        + byId.keySet().stream().sorted().toList());
            }
        }
        List<BrokerNode> staying = brokers.stream().filter(b -> !draining.contains(b.id()) && !b.fenced())
                .sorted(Comparator.comparingInt(BrokerNode::id)).toList();
        Map<Integer, Integer> load = new HashMap<>();
        staying.forEach(b -> load.put(b.id(), 0));
        for (PartitionReplicas p : partitions) {
            p.replicas().forEach(id -> load.computeIfPresent(id, (k, n) -> n + 1));
        }
        List<Move> moves = new ArrayList<>();
        for (PartitionReplicas p : sorted(partitions)) {
            if (p.replicas().stream().noneMatch(draining::contains)) {
                continue;
            }
            List<Integer> target = new ArrayList<>(p.settled());
            for (int i = 0; i < target.size(); i++) {
                if (!draining.contains(target.get(i))) {
                    continue;
                }
                List<Integer> others = new ArrayList<>(target);
                others.remove(i);
                BrokerNode replacement = pick(staying, others, byId, load).orElseThrow(() ->
                        new ImpossibleDrainException("partition " + p.topic() + "-" + p.partition() + " has "
                                + p.settled().size() + " replicas " + p.settled() + ", but only " + staying.size()
                                + " live brokers would stay " + staying.stream().map(BrokerNode::id).toList()
                                + "; add brokers or lower the topic's replication factor first"));
                target.set(i, replacement.id());
                load.merge(replacement.id(), 1, Integer::sum);
            }
            moves.add(new Move(p.topic(), p.partition(), p.replicas(), target));
        }
        return new DrainPlan(moves);
    }

    /** The moves, by topic then partition; empty when nothing is on the draining brokers. */
    public List<Move> moves() {
        return moves;
    }

    private static List<PartitionReplicas> sorted(List<PartitionReplicas> partitions) {
        return partitions.stream().sorted(Comparator.comparing(PartitionReplicas::topic)
                .thenComparingInt(PartitionReplicas::partition)).toList();
    }

    /** The best staying broker to join {@code others}, the partition's replicas other than the one replaced. */
    private static Optional<BrokerNode> pick(List<BrokerNode> staying, List<Integer> others,
                                             Map<Integer, BrokerNode> byId, Map<Integer, Integer> load) {
        Set<String> racksCovered = new HashSet<>();
        for (int id : others) {
            BrokerNode node = byId.get(id);
            if (node != null && !node.rack().isEmpty()) {
                racksCovered.add(node.rack());
            }
        }
        Comparator<BrokerNode> preference = Comparator
                .comparing((BrokerNode b) -> !b.rack().isEmpty() && !racksCovered.contains(b.rack()) ? 0 : 1)
                .thenComparingInt(b -> load.get(b.id()))
                .thenComparingInt(BrokerNode::id);
        return staying.stream().filter(b -> !others.contains(b.id())).min(preference);
    }
}
