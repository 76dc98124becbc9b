package dev.sluice.broker.replication;

import java.util.List;

/**
 * An ISR change a partition leader asks the controller for ({@code AlterPartition}). The controller refuses it
 * with {@code FENCED_EPOCH} when the leader or partition epoch is stale.
 *
 * @param leaderId the proposing leader
 * @param leaderEpoch its leader epoch
 * @param partitionEpoch the partition epoch the proposal is based on
 * @param newIsr the proposed ISR, leader included, in replica order
 */
public record IsrProposal(int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {

    public IsrProposal {
        newIsr = List.copyOf(newIsr);
        if (!newIsr.contains(leaderId)) {
            throw new IllegalArgumentException("proposed ISR " + newIsr + " lacks the leader " + leaderId);
        }
    }
}
