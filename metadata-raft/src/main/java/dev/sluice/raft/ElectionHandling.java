package dev.sluice.raft;

import dev.sluice.raft.RaftMessage.BeginQuorumEpochRequest;
import dev.sluice.raft.RaftMessage.BeginQuorumEpochResponse;
import dev.sluice.raft.RaftMessage.EndQuorumEpochRequest;
import dev.sluice.raft.RaftMessage.EndQuorumEpochResponse;
import dev.sluice.raft.RaftMessage.VoteRequest;
import dev.sluice.raft.RaftMessage.VoteResponse;
import dev.sluice.raft.RaftRole.Candidate;
import dev.sluice.raft.RaftRole.Follower;
import dev.sluice.raft.RaftRole.Prospective;
import dev.sluice.raft.RaftRole.Unattached;

/**
 * The election half of the protocol for {@link RaftCore}: pre-vote, vote, BeginQuorumEpoch and EndQuorumEpoch.
 * Runs on the core's thread; every role change goes through {@link QuorumTransitions}. Times are milliseconds.
 */
final class ElectionHandling {
    private ElectionHandling() {
    }

    /** Starts (or restarts) a pre-vote for the next epoch; a sole voter wins it, and the election, at once. */
    static void startPreVote(RaftCore core, long nowMs) {
        QuorumTransitions transitions = core.transitions();
        transitions.transitionToProspective(nowMs);
        Prospective prospective = (Prospective) transitions.role();
        prospective.granted.add(core.config().nodeId());
        sendVoteRequests(core, prospective.epoch() + 1, true);
        maybeWinPreVote(core, prospective, nowMs);
    }

    private static void maybeWinPreVote(RaftCore core, Prospective prospective, long nowMs) {
        if (prospective.granted.size() < core.config().majority()) {
            return;
        }
        core.transitions().transitionToCandidate(nowMs);
        Candidate candidate = (Candidate) core.transitions().role();
        candidate.granted.add(core.config().nodeId());
        sendVoteRequests(core, candidate.epoch(), false);
        maybeWinElection(core, candidate, nowMs);
    }

    private static void maybeWinElection(RaftCore core, Candidate candidate, long nowMs) {
        if (candidate.granted.size() >= core.config().majority()) {
            core.becomeLeader(nowMs);
        }
    }

    private static void sendVoteRequests(RaftCore core, int candidateEpoch, boolean preVote) {
        RaftConfig config = core.config();
        RaftLog log = core.log();
        for (int voterId : config.voterIds()) {
            if (voterId != config.nodeId()) {
                core.effects().send(voterId, new VoteRequest(config.nodeId(), candidateEpoch, log.lastEpoch(),
                    log.endOffset(), preVote));
            }
        }
    }

    static void handleVoteRequest(RaftCore core, VoteRequest request, long nowMs) {
        RaftConfig config = core.config();
        QuorumTransitions transitions = core.transitions();
        if (!config.isVoter() || !config.voterIds().contains(request.sourceId())) {
            reply(core, request, false, RaftError.INCONSISTENT_VOTER);
            return;
        }
        boolean logUpToDate = new OffsetAndEpoch(request.logEndOffset(), request.lastEpoch())
            .compareTo(core.log().endOffsetAndEpoch()) >= 0;
        if (request.preVote()) {
            reply(core, request, request.candidateEpoch() > transitions.epoch() && logUpToDate
                && !hasActiveLeader(core, nowMs), RaftError.NONE);
            return;
        }
        if (request.candidateEpoch() < transitions.epoch()) {
            reply(core, request, false, RaftError.FENCED_LEADER_EPOCH);
            return;
        }
        if (request.candidateEpoch() > transitions.epoch()) {
            transitions.transitionToUnattached(request.candidateEpoch(), nowMs);
        }
        RaftRole role = transitions.role();
        int votedId = role instanceof Unattached unattached ? unattached.votedId()
            : role instanceof Prospective prospective ? prospective.votedId() : Integer.MIN_VALUE;
        boolean grant = logUpToDate && (votedId == QuorumState.NONE || votedId == request.sourceId());
        if (grant && votedId != request.sourceId()) {
            transitions.transitionToVoted(request.sourceId(), nowMs);
        }
        reply(core, request, grant, RaftError.NONE);
    }

    /** A leader, or a follower that heard from its leader within the fetch timeout, refuses pre-votes. */
    private static boolean hasActiveLeader(RaftCore core, long nowMs) {
        RaftRole role = core.transitions().role();
        return role instanceof Leader || role instanceof Follower follower
            && nowMs - follower.lastHeardFromLeaderMs < core.config().fetchTimeoutMs();
    }

    private static void reply(RaftCore core, VoteRequest request, boolean granted, RaftError error) {
        RaftRole role = core.transitions().role();
        core.effects().send(request.sourceId(), new VoteResponse(core.config().nodeId(), role.epoch(), granted, error,
            role.leaderId(), request.preVote()));
    }

    static void handleVoteResponse(RaftCore core, VoteResponse response, long nowMs) {
        RaftRole role = core.transitions().role();
        // A pre-vote may be granted by a voter still in an older epoch; a vote only counts in its own epoch.
        if (response.preVote() ? response.epoch() > role.epoch() : response.epoch() != role.epoch()) {
            return;
        }
        int nodeId = core.config().nodeId();
        // A voter that grants a pre-vote has no live leader: the leader id it reports is only a hint it was given,
        // possibly naming a dead leader. Following it instead of counting the grant lets two survivors whose fetch
        // timers are offset send each other back to the dead leader forever.
        boolean grantedPreVote = response.preVote() && response.granted();
        if (!grantedPreVote && response.epoch() == role.epoch() && response.leaderId() >= 0
            && response.leaderId() != nodeId
            && (role instanceof Prospective || role instanceof Candidate || role instanceof Unattached)) {
            core.transitions().transitionToFollower(response.epoch(), response.leaderId(), nowMs);
            return;
        }
        if (response.preVote() && role instanceof Prospective prospective) {
            (response.granted() ? prospective.granted : prospective.rejected).add(response.sourceId());
            maybeWinPreVote(core, prospective, nowMs);
        } else if (!response.preVote() && role instanceof Candidate candidate) {
            (response.granted() ? candidate.granted : candidate.rejected).add(response.sourceId());
            maybeWinElection(core, candidate, nowMs);
        }
    }

    static void handleBeginQuorumEpochRequest(RaftCore core, BeginQuorumEpochRequest request, long nowMs) {
        QuorumTransitions transitions = core.transitions();
        RaftConfig config = core.config();
        if (!config.voterIds().contains(request.sourceId())) {
            replyBegin(core, request.sourceId(), RaftError.INCONSISTENT_VOTER);
        } else if (request.leaderEpoch() < transitions.epoch()) {
            replyBegin(core, request.sourceId(), RaftError.FENCED_LEADER_EPOCH);
        } else {
            transitions.transitionToFollower(request.leaderEpoch(), request.sourceId(), nowMs);
            ((Follower) transitions.role()).lastHeardFromLeaderMs = nowMs;
            replyBegin(core, request.sourceId(), RaftError.NONE);
        }
    }

    private static void replyBegin(RaftCore core, int destinationId, RaftError error) {
        core.effects().send(destinationId,
            new BeginQuorumEpochResponse(core.config().nodeId(), core.transitions().epoch(), error));
    }

    /** Tells every voter that has not yet acknowledged this epoch who leads it. */
    static void sendBeginQuorumEpoch(RaftCore core, Leader leader, long nowMs) {
        for (int voterId : leader.unacknowledgedVoters) {
            core.effects().send(voterId, new BeginQuorumEpochRequest(core.config().nodeId(), leader.epoch()));
        }
        leader.beginQuorumEpochResendMs = nowMs + core.config().requestTimeoutMs();
    }

    /**
     * The leader resigned: wait for a new one unattached, the first preferred successor not at all, later ones
     * a little longer each, so the most up-to-date voter usually wins without a contest.
     */
    static void handleEndQuorumEpochRequest(RaftCore core, EndQuorumEpochRequest request, long nowMs) {
        QuorumTransitions transitions = core.transitions();
        RaftConfig config = core.config();
        if (request.leaderEpoch() < transitions.epoch()) {
            replyEnd(core, request.sourceId(), RaftError.FENCED_LEADER_EPOCH);
            return;
        }
        if (request.leaderEpoch() > transitions.epoch()) {
            transitions.transitionToUnattached(request.leaderEpoch(), nowMs);
        }
        RaftRole role = transitions.role();
        boolean fromLeader = role instanceof Follower follower && follower.leaderId() == request.sourceId();
        if (config.isVoter() && (fromLeader || role instanceof Unattached)) {
            int position = request.preferredSuccessors().indexOf(config.nodeId());
            long deadlineMs = position < 0 ? transitions.electionDeadlineMs(nowMs)
                : nowMs + position * config.electionTimeoutMs() / 2
                    + (position == 0 ? 0 : transitions.randomBackoffMs(config.electionTimeoutMs() / 2));
            transitions.transitionToUnattachedAfterResignation(deadlineMs);
        } else if (!config.isVoter() && fromLeader) {
            transitions.transitionToUnattached(transitions.epoch(), nowMs);
        }
        replyEnd(core, request.sourceId(), RaftError.NONE);
    }

    private static void replyEnd(RaftCore core, int destinationId, RaftError error) {
        core.effects().send(destinationId,
            new EndQuorumEpochResponse(core.config().nodeId(), core.transitions().epoch(), error));
    }
}
