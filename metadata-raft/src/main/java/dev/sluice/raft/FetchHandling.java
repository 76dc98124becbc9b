package dev.sluice.raft;

import dev.sluice.raft.RaftMessage.FetchRequest;
import dev.sluice.raft.RaftMessage.FetchResponse;
import dev.sluice.raft.RaftMessage.FetchSnapshotRequest;
import dev.sluice.raft.RaftMessage.FetchSnapshotResponse;
import dev.sluice.raft.RaftRole.Candidate;
import dev.sluice.raft.RaftRole.Follower;
import dev.sluice.raft.RaftRole.Prospective;
import dev.sluice.raft.RaftRole.Unattached;

/**
 * The replication half of the protocol for {@link RaftCore}: Fetch and FetchSnapshot, on both sides, and installing
 * a snapshot fetched from the leader. Runs on the core's thread; every role change goes through
 * {@link QuorumTransitions}. Offsets are log offsets, times milliseconds.
 */
final class FetchHandling {
    private FetchHandling() {
    }

    static void handleFetchRequest(RaftCore core, FetchRequest request, long nowMs) {
        int epoch = core.transitions().epoch();
        if (request.epoch() < epoch) {
            core.effects().send(request.sourceId(), FetchResponse.error(core.config().nodeId(), request,
                core.transitions().role().leaderId(), epoch, RaftError.FENCED_LEADER_EPOCH));
            return;
        }
        if (request.epoch() > epoch) {
            core.transitions().transitionToUnattached(request.epoch(), nowMs);
        }
        if (!(core.transitions().role() instanceof Leader leader)) {
            core.effects().send(request.sourceId(), FetchResponse.error(core.config().nodeId(), request,
                core.transitions().role().leaderId(), core.transitions().epoch(), RaftError.NOT_LEADER));
            return;
        }
        if (core.replication().recordFetch(leader, request, nowMs)) {
            core.maybeAdvanceHighWatermark(leader);
        }
        core.replication().answerOrPark(leader, request, core.highWatermark(), nowMs);
    }

    static void handleFetchSnapshotRequest(RaftCore core, FetchSnapshotRequest request, long nowMs) {
        int epoch = core.transitions().epoch();
        if (request.epoch() > epoch) {
            core.transitions().transitionToUnattached(request.epoch(), nowMs);
        }
        RaftRole role = core.transitions().role();
        if (request.epoch() < epoch || !(role instanceof Leader leader)) {
            RaftError error = request.epoch() < epoch ? RaftError.FENCED_LEADER_EPOCH : RaftError.NOT_LEADER;
            core.effects().send(request.sourceId(), new FetchSnapshotResponse(core.config().nodeId(), role.leaderId(),
                role.epoch(), error, request.snapshotEndOffset(), request.snapshotEpoch(), -1, request.position(),
                new byte[0]));
            return;
        }
        core.replication().answerFetchSnapshot(leader, request, nowMs);
    }

    static void handleFetchSnapshotResponse(RaftCore core, FetchSnapshotResponse response, long nowMs) {
        if (!(core.transitions().role() instanceof Follower follower)) {
            return;
        }
        Snapshot snapshot = core.followerReplication().handleFetchSnapshotResponse(follower, response,
            core.highWatermark(), nowMs);
        if (snapshot != null) {
            installSnapshot(core, snapshot);
            core.followerReplication().sendFetch(follower, core.highWatermark(), nowMs);
        }
    }

    /**
     * Replaces the whole log with a snapshot fetched from the leader. The fetch that led here was below the leader's
     * log start, so the snapshot is past everything this node knows to be committed.
     */
    private static void installSnapshot(RaftCore core, Snapshot snapshot) {
        if (snapshot.endOffset() <= core.highWatermark()) {
            throw new IllegalStateException("fetched " + snapshot + " is not past the high watermark "
                + core.highWatermark());
        }
        core.log().resetTo(snapshot);
        core.effects().write(new StorageOperation.WriteSnapshot(snapshot));
        core.effects().write(new StorageOperation.TruncatePrefix(snapshot.id()));
        core.effects().write(new StorageOperation.TruncateFrom(snapshot.endOffset()));
        core.restartNotificationsAt(snapshot.endOffset());
        core.effects().notify(new Notification.SnapshotLoaded(snapshot));
    }

    static void handleFetchResponse(RaftCore core, FetchResponse response, long nowMs) {
        RaftRole role = core.transitions().role();
        if (response.epoch() == role.epoch() && response.leaderId() >= 0 && isLeaderless(role)
            && response.leaderId() != core.config().nodeId()) {
            core.transitions().transitionToFollower(response.epoch(), response.leaderId(), nowMs);
            return;
        }
        if (role instanceof Unattached unattached) {
            core.followerReplication().handleDiscoveryFailure(unattached, nowMs);
            return;
        }
        if (role instanceof Follower follower && response.sourceId() == follower.leaderId()
            && response.epoch() == follower.epoch() && response.error() == RaftError.NOT_LEADER) {
            // The node we follow says it does not lead this epoch (it restarted, or resigned): stop following it.
            core.transitions().transitionToUnattached(follower.epoch(), nowMs);
            return;
        }
        if (role instanceof Follower follower) {
            if (response.sourceId() == follower.leaderId() && response.epoch() == follower.epoch()
                && response.error() == RaftError.NONE) {
                core.learnQuorumHighWatermark(response.highWatermark());
            }
            core.raiseHighWatermark(core.followerReplication().handleFetchResponse(follower, response,
                core.highWatermark(), nowMs));
        }
    }

    private static boolean isLeaderless(RaftRole role) {
        return role instanceof Unattached || role instanceof Prospective || role instanceof Candidate;
    }
}
