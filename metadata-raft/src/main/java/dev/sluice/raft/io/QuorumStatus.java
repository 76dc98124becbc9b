package dev.sluice.raft.io;

import dev.sluice.raft.Leader;
import dev.sluice.raft.RaftCore;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of the quorum as one node sees it. Replica details are known on the leader only; elsewhere they hold
 * -1 except for this node itself. {@code highWatermark} is this node's (never above its log end);
 * {@code quorumHighWatermark} is the leader's as last learned, -1 until this node heard one since it started.
 */
public record QuorumStatus(int leaderId, int epoch, long highWatermark, long logEndOffset,
                           List<ReplicaStatus> voters, List<ReplicaStatus> observers, long quorumHighWatermark) {
    public QuorumStatus {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /** Reads the status off the core; called on the driver thread. */
    static QuorumStatus of(RaftCore core, long nowMs) {
        long endOffset = core.logEndOffset();
        List<ReplicaStatus> voters = new ArrayList<>();
        List<ReplicaStatus> observers = new ArrayList<>();
        if (core.role() instanceof Leader leader) {
            leader.voterStates().forEach(state -> voters.add(replicaStatus(state, endOffset, nowMs)));
            leader.observerStates().forEach(state -> observers.add(replicaStatus(state, endOffset, nowMs)));
        } else {
            for (int voterId : new java.util.TreeSet<>(core.config().voterIds())) {
                boolean self = voterId == core.config().nodeId();
                voters.add(new ReplicaStatus(voterId, self ? endOffset : -1, -1, -1));
            }
        }
        return new QuorumStatus(core.leaderId(), core.epoch(), core.highWatermark(), endOffset, voters, observers,
            core.quorumHighWatermark());
    }

    private static ReplicaStatus replicaStatus(Leader.ReplicaState state, long leaderEndOffset, long nowMs) {
        long lag = state.endOffset() < 0 ? -1 : leaderEndOffset - state.endOffset();
        long caughtUpMsAgo = state.lastCaughtUpMs() < 0 ? -1 : nowMs - state.lastCaughtUpMs();
        return new ReplicaStatus(state.nodeId(), state.endOffset(), lag, caughtUpMsAgo);
    }
}
