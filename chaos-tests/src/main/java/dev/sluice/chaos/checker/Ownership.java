package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member's ownership of one partition, as its rebalance listener reported it: from the {@code assign} entry that
 * gave it the partition ({@code start}) to the next {@code revoke} or {@code lost} entry naming that partition
 * ({@code end}, {@code null} if it still owned it when the history ended). Positions are history indexes, which order
 * entries the same way as their times; an open end is {@link Long#MAX_VALUE}.
 */
record Ownership(String owner, TopicPartition partition, Op start, Op end) {

    /**
     * Who a group entry speaks for: its {@code member} id, or its process when the member is not known yet. A process
     * that rejoins under a new member id is a new owner, which is how the coordinator sees it too.
     */
    static String ownerOf(Op op) {
        String member = op.stringValue("member");
        return member == null || member.isEmpty() ? op.process() : member;
    }

    /**
     * Every ownership interval in the history, grouped by partition and sorted by start. An {@code assign} naming a
     * partition the member already owns (cooperative rebalancing re-lists it) extends the open interval.
     */
    static Map<TopicPartition, List<Ownership>> fromHistory(List<Op> history) {
        Map<String, Map<TopicPartition, Op>> openByOwner = new HashMap<>();
        Map<String, Set<String>> ownersByProcess = new HashMap<>();
        Map<TopicPartition, List<Ownership>> byPartition = new LinkedHashMap<>();
        for (Op op : history) {
            if (op.type() != OpType.OK || !isMembershipChange(op.f())) {
                continue;
            }
            String owner = ownerOf(op);
            ownersByProcess.computeIfAbsent(op.process(), p -> new LinkedHashSet<>()).add(owner);
            // A consumer forgets its member id before telling its listener what it lost (as Kafka's does), so a loss
            // that names no member ends what any member of that process owned.
            Collection<String> ending = owner.equals(op.process()) ? ownersByProcess.get(op.process()) : List.of(owner);
            for (TopicPartition partition : partitionsOf(op)) {
                if (op.f().equals(OpFunctions.ASSIGN)) {
                    openByOwner.computeIfAbsent(owner, o -> new HashMap<>()).putIfAbsent(partition, op);
                    continue;
                }
                for (String ended : ending) {
                    Map<TopicPartition, Op> open = openByOwner.get(ended);
                    Op start = open == null ? null : open.remove(partition);
                    if (start != null) {
                        add(byPartition, new Ownership(ended, partition, start, op));
                    }
                }
            }
        }
        openByOwner.forEach((owner, open) -> open.forEach(
                (partition, start) -> add(byPartition, new Ownership(owner, partition, start, null))));
        byPartition.values().forEach(list -> list.sort(Comparator.comparingLong(Ownership::startIndex)));
        return byPartition;
    }

    static boolean isMembershipChange(String f) {
        return f.equals(OpFunctions.ASSIGN) || f.equals(OpFunctions.REVOKE) || f.equals(OpFunctions.LOST);
    }

    @SuppressWarnings("unchecked")
    static List<TopicPartition> partitionsOf(Op op) {
        Object raw = op.value().get("partitions");
        if (!(raw instanceof List<?> names)) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>(names.size());
        for (Object name : names) {
            partitions.add(TopicPartition.parse(name.toString()));
        }
        return partitions;
    }

    private static void add(Map<TopicPartition, List<Ownership>> byPartition, Ownership ownership) {
        byPartition.computeIfAbsent(ownership.partition(), p -> new ArrayList<>()).add(ownership);
    }

    long startIndex() {
        return start.index();
    }

    long endIndex() {
        return end == null ? Long.MAX_VALUE : end.index();
    }

    List<Op> ops() {
        return end == null ? List.of(start) : List.of(start, end);
    }
}
