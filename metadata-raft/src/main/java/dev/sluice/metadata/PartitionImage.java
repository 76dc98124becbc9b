package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.PartitionChangeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One partition's assignment: its replicas (the first is the preferred leader), the in-sync replicas, the leader
 * ({@link #NO_LEADER} when none is eligible), the leader epoch (bumped by every leader change) and the partition
 * epoch (bumped by every change; stale {@code AlterPartition} proposals carry an older one), and the eligible
 * leaders: replicas fenced out of the ISR while it was below {@code min.insync.replicas}, which therefore hold every
 * record acknowledged to an acks=all producer (Kafka's KIP-966 "ELR"). Immutable.
 *
 * <p>Invariants, checked on construction: replicas non-empty and distinct; the ISR distinct and a subset of the
 * replicas, and non-empty unless the partition has no leader (an empty ISR of a leaderless partition: no replica
 * is known to hold its acknowledged records, e.g. its only in-sync replica lost its store; as Kafka's KIP-966);
 * eligible leaders distinct, a subset of the replicas and not in the ISR; the leader is {@link #NO_LEADER} or in
 * the ISR; epochs non-negative.
 */
public record PartitionImage(List<Integer> replicas, List<Integer> isr, int leaderId, int leaderEpoch,
        int partitionEpoch, List<Integer> eligibleLeaders) {
    public static final int NO_LEADER = -1;

    /** Without eligible leaders. */
    public PartitionImage(List<Integer> replicas, List<Integer> isr, int leaderId, int leaderEpoch,
            int partitionEpoch) {
        this(replicas, isr, leaderId, leaderEpoch, partitionEpoch, List.of());
    }

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        eligibleLeaders = List.copyOf(eligibleLeaders);
        Set<Integer> replicaSet = distinct(replicas, "replicas");
        distinct(isr, "isr");
        distinct(eligibleLeaders, "eligible leaders");
        if (!replicaSet.containsAll(eligibleLeaders) || eligibleLeaders.stream().anyMatch(isr::contains)) {
            throw new IllegalStateException("eligible leaders " + eligibleLeaders + " must be replicas " + replicas
                    + " outside the isr " + isr);
        }
        if (replicas.isEmpty() || isr.isEmpty() && leaderId != NO_LEADER) {
            throw new IllegalStateException("partition has empty replicas " + replicas + " or isr " + isr
                    + " with leader " + leaderId);
        }
        if (!replicaSet.containsAll(isr)) {
            throw new IllegalStateException("isr " + isr + " is not a subset of replicas " + replicas);
        }
        if (leaderId != NO_LEADER && !isr.contains(leaderId)) {
            throw new IllegalStateException("leader " + leaderId + " is not in isr " + isr);
        }
        if (leaderEpoch < 0 || partitionEpoch < 0) {
            throw new IllegalStateException("negative epoch: leader " + leaderEpoch + ", partition " + partitionEpoch);
        }
    }

    public boolean hasLeader() {
        return leaderId != NO_LEADER;
    }

    /**
     * The replicas that may lead without losing acknowledged records once no ISR member is alive: the ISR, then the
     * eligible leaders.
     */
    public List<Integer> lastIsr() {
        List<Integer> candidates = new java.util.ArrayList<>(isr);
        candidates.addAll(eligibleLeaders);
        return candidates;
    }

    /**
     * Applies a change: a present leader (even the same one) bumps the leader epoch; every change bumps the
     * partition epoch. A replica that (re)joins the ISR, or leaves the replicas, stops being an eligible leader.
     */
    public PartitionImage merge(PartitionChangeRecord change) {
        List<Integer> newReplicas = change.hasReplicas() ? change.getReplicas().getValuesList() : replicas;
        List<Integer> newIsr = change.hasIsr() ? change.getIsr().getValuesList() : isr;
        int newLeader = change.hasLeaderId() ? change.getLeaderId() : leaderId;
        int newLeaderEpoch = change.hasLeaderId() ? leaderEpoch + 1 : leaderEpoch;
        List<Integer> newEligible = (change.hasEligibleLeaders() ? change.getEligibleLeaders().getValuesList()
                : eligibleLeaders).stream().filter(id -> !newIsr.contains(id) && newReplicas.contains(id)).toList();
        return new PartitionImage(newReplicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1, newEligible);
    }

    private static Set<Integer> distinct(List<Integer> ids, String what) {
        Set<Integer> set = new HashSet<>(ids);
        if (set.size() != ids.size()) {
            throw new IllegalStateException(what + " " + ids + " has duplicates");
        }
        return set;
    }
}
