package dev.sluice.broker.replication;

import java.util.List;
import java.util.Map;

/**
 * An ISR change a partition leader asks the controller for ({@code AlterPartition}). The controller refuses it
 * with {@code FENCED_EPOCH} when the leader or partition epoch is stale.
 *
 * @param leaderId the proposing leader
 * @param leaderEpoch its leader epoch
 * @param partitionEpoch the partition epoch the proposal is based on
 * @param newIsr the proposed ISR, leader included, in replica order
 * @param joiningEpochs for each replica the proposal adds, the broker epoch of the fetch that caught it up: the
 *     controller refuses the change when that is not the replica's registered epoch (KIP-903)
 */
public record IsrProposal(int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr,
                          Map<Integer, Long> joiningEpochs) {

    /** A proposal that adds no replica (a shrink). */
    public IsrProposal(int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
        this(leaderId, leaderEpoch, partitionEpoch, newIsr, Map.of());
    }

    public IsrProposal {
        newIsr = List.copyOf(newIsr);
        joiningEpochs = Map.copyOf(joiningEpochs);
        if (!newIsr.containsAll(joiningEpochs.keySet())) {
            throw new IllegalArgumentException("joining replicas " + joiningEpochs.keySet() + " are not all in "
                    + newIsr);
        }
        if (!newIsr.contains(leaderId)) {
            throw new IllegalArgumentException("proposed ISR " + newIsr + " lacks the leader " + leaderId);
        }
    }
}
