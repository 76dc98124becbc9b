package dev.sluice.raft.io;

import dev.sluice.raft.Leader;
import dev.sluice.raft.RaftCore;
import dev.sluice.raft.RaftRole;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of the quorum as one node sees it. Replica details are known on the leader only; elsewhere they hold
 * -1 except for this node itself. {@code highWatermark} is this node's (never above its log end);
 * {@code quorumHighWatermark} is the leader's as last learned, -1 until this node heard one since it started.
 * {@code role} is one of {@link #ROLES}: the node's role in this epoch, or {@code observer} on a node that is not a
 * voter (a broker-only node).
 */
public record QuorumStatus(int leaderId, int epoch, long highWatermark, long logEndOffset,
                           List<ReplicaStatus> voters, List<ReplicaStatus> observers, long quorumHighWatermark,
                           String role) {
    /**
     * Every value {@link #role} can take, so that a metric can publish one series per role (1 for the current one,
     * 0 for the others) and a dashboard sees a role change as a flip rather than a series appearing.
     */
    public static final List<String> ROLES =
        List.of("leader", "follower", "candidate", "prospective", "unattached", "resigned", "observer");

    public QuorumStatus {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
        if (!ROLES.contains(role)) {
            throw new IllegalStateException("unknown quorum role " + role);
        }
    }

    /** The status before the driver has read the core: no leader, no log, and no role taken up yet. */
    static QuorumStatus initial(boolean voter) {
        return new QuorumStatus(-1, 0, 0, 0, List.of(), List.of(), -1, voter ? "unattached" : "observer");
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
            core.quorumHighWatermark(), roleName(core));
    }

    /**
     * The role as a metric label. An observer's core also moves through unattached and follower, but to an operator
     * what matters is that it never votes, so a non-voter is always {@code observer}.
     */
    private static String roleName(RaftCore core) {
        if (!core.config().isVoter()) {
            return "observer";
        }
        RaftRole role = core.role();
        if (role instanceof Leader) {
            return "leader";
        } else if (role instanceof RaftRole.Follower) {
            return "follower";
        } else if (role instanceof RaftRole.Candidate) {
            return "candidate";
        } else if (role instanceof RaftRole.Prospective) {
            return "prospective";
        } else if (role instanceof RaftRole.Resigned) {
            return "resigned";
        }
        return "unattached";
    }

    private static ReplicaStatus replicaStatus(Leader.ReplicaState state, long leaderEndOffset, long nowMs) {
        long lag = state.endOffset() < 0 ? -1 : leaderEndOffset - state.endOffset();
        long caughtUpMsAgo = state.lastCaughtUpMs() < 0 ? -1 : nowMs - state.lastCaughtUpMs();
        return new ReplicaStatus(state.nodeId(), state.endOffset(), lag, caughtUpMsAgo);
    }
}
