package dev.sluice.client;

import java.util.List;

/**
 * The state of the metadata Raft quorum.
 *
 * @param leaderId the active controller's node id, -1 when none
 * @param leaderEpoch the Raft epoch
 * @param highWatermark the committed metadata offset
 * @param voters the voting controllers
 * @param observers the observing brokers
 */
public record QuorumDescription(int leaderId, int leaderEpoch, long highWatermark, List<ReplicaState> voters,
                                List<ReplicaState> observers) {
    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }
}
