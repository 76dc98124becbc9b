package dev.sluice.raft;

import dev.sluice.raft.RaftMessage.FetchRequest;
import dev.sluice.raft.RaftMessage.FetchResponse;
import dev.sluice.raft.RaftMessage.FetchSnapshotRequest;
import dev.sluice.raft.RaftMessage.FetchSnapshotResponse;
import dev.sluice.raft.RaftRole.Follower;
import dev.sluice.raft.RaftRole.Unattached;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The fetcher's side of pull replication for {@link RaftCore}, for voters and observers: sends fetches, appends
 * what the leader returns, truncates on divergence, downloads the leader's snapshot in chunks when told to, and lets
 * an observer discover the leader by asking a random
 * voter. Runs on the core's thread. Invariant: the log is never truncated below the high watermark.
 */
final class FollowerReplication {
    private final RaftConfig config;
    private final RaftLog log;
    private final EffectsCollector effects;
    private final RandomGenerator random;
    private final List<Integer> voterIds;

    FollowerReplication(RaftConfig config, RaftLog log, EffectsCollector effects, RandomGenerator random) {
        this.config = config;
        this.log = log;
        this.effects = effects;
        this.random = random;
        this.voterIds = new ArrayList<>(new java.util.TreeSet<>(config.voterIds()));
    }

    /** Sends the next fetch: for entries, or for the next snapshot chunk while a snapshot download is running. */
    void sendFetch(Follower follower, long highWatermark, long nowMs) {
        SnapshotDownload download = follower.snapshotDownload;
        if (download != null) {
            effects.send(follower.leaderId(), new FetchSnapshotRequest(config.nodeId(), follower.epoch(),
                download.snapshotId().offset(), download.snapshotId().epoch(), download.position(),
                config.fetchMaxBytes()));
            follower.fetchDeadlineMs = nowMs + config.requestTimeoutMs();
        } else {
            effects.send(follower.leaderId(),
                fetchRequest(follower.epoch(), highWatermark, (int) config.fetchMaxWaitMs()));
            follower.lastFetchSentMs = nowMs;
            follower.fetchDeadlineMs = nowMs + config.fetchMaxWaitMs() + config.requestTimeoutMs();
        }
        follower.fetchInFlight = true;
    }

    /** An observer without a leader asks a random voter; any answer names the leader or the epoch to wait in. */
    void sendDiscoveryFetch(Unattached unattached, long highWatermark, long nowMs) {
        int voterId = voterIds.get(random.nextInt(voterIds.size()));
        effects.send(voterId, fetchRequest(unattached.epoch(), highWatermark, 0));
        unattached.discoveryInFlight = true;
        unattached.deadlineMs = nowMs + config.requestTimeoutMs();
    }

    private FetchRequest fetchRequest(int epoch, long highWatermark, int maxWaitMs) {
        return new FetchRequest(config.nodeId(), epoch, log.endOffset(), log.lastEpoch(), highWatermark,
            config.fetchMaxBytes(), maxWaitMs, !config.isVoter());
    }

    /** A discovery fetch came back without naming a leader: ask again after a pause. */
    void handleDiscoveryFailure(Unattached unattached, long nowMs) {
        if (!config.isVoter() && unattached.discoveryInFlight) {
            unattached.discoveryInFlight = false;
            unattached.deadlineMs = nowMs + config.retryBackoffMs();
        }
    }

    void handleFetchFailure(RaftRole role, int destinationId, long nowMs) {
        if (role instanceof Follower follower && follower.leaderId() == destinationId && follower.fetchInFlight) {
            follower.fetchInFlight = false;
            follower.fetchDeadlineMs = nowMs + config.retryBackoffMs();
        } else if (role instanceof Unattached unattached) {
            handleDiscoveryFailure(unattached, nowMs);
        }
    }

    /**
     * Applies a fetch response from the leader and returns the high watermark it allows (never below
     * {@code highWatermark}). Late duplicates, recognised by a fetch offset and last epoch that are no longer
     * those of our log end, are ignored.
     */
    long handleFetchResponse(Follower follower, FetchResponse response, long highWatermark, long nowMs) {
        if (response.sourceId() != follower.leaderId() || response.epoch() != follower.epoch()
            || response.fetchOffset() != log.endOffset() || response.lastFetchedEpoch() != log.lastEpoch()) {
            return highWatermark;
        }
        follower.fetchInFlight = false;
        if (response.error() != RaftError.NONE) {
            follower.fetchDeadlineMs = nowMs + config.retryBackoffMs();
            return highWatermark;
        }
        follower.lastLeaderContactMs = nowMs;
        follower.lastHeardFromLeaderMs = nowMs;
        follower.fetchDeadlineMs = nowMs;
        if (response.isDiverging()) {
            truncateToDivergence(response, highWatermark);
            return highWatermark;
        }
        if (response.snapshotEndOffset() >= 0) {
            follower.snapshotDownload = new SnapshotDownload(
                new OffsetAndEpoch(response.snapshotEndOffset(), response.snapshotEpoch()));
            sendFetch(follower, highWatermark, nowMs);
            return highWatermark;
        }
        for (LogEntry entry : response.entries()) {
            if (entry.epoch() > follower.epoch()) {
                throw new IllegalStateException("entry " + entry + " from the future of epoch " + follower.epoch());
            }
            log.append(entry);
        }
        if (!response.entries().isEmpty()) {
            effects.write(new StorageOperation.AppendEntries(response.entries()));
        } else if (response.highWatermark() <= highWatermark) {
            // Nothing new came back early: the leader answered a held fetch because a duplicate of it arrived.
            // Fetching again at once could keep two fetches bouncing forever, so wait out the long-poll instead.
            follower.fetchDeadlineMs = Math.max(nowMs, follower.lastFetchSentMs + config.fetchMaxWaitMs());
        }
        return Math.max(highWatermark, Math.min(response.highWatermark(), log.endOffset()));
    }

    /**
     * Applies a snapshot chunk from the leader and returns the snapshot once complete (the caller installs it), else
     * null. Late duplicates, recognised by a position that is not where the download stands, are ignored; an error
     * abandons the download and the next fetch asks the leader again which snapshot to load.
     */
    Snapshot handleFetchSnapshotResponse(Follower follower, FetchSnapshotResponse response, long highWatermark,
                                         long nowMs) {
        SnapshotDownload download = follower.snapshotDownload;
        if (download == null || !follower.fetchInFlight || response.sourceId() != follower.leaderId()
            || response.epoch() != follower.epoch()) {
            return null;
        }
        boolean sameSnapshot = response.snapshotEndOffset() == download.snapshotId().offset()
            && response.snapshotEpoch() == download.snapshotId().epoch();
        if (response.error() == RaftError.NONE && (!sameSnapshot || response.position() != download.position())) {
            return null;
        }
        follower.fetchInFlight = false;
        follower.lastLeaderContactMs = nowMs;
        follower.lastHeardFromLeaderMs = nowMs;
        follower.fetchDeadlineMs = nowMs;
        if (response.error() != RaftError.NONE
            || !download.maybeAppend(response.sizeBytes(), response.position(), response.chunk())) {
            follower.snapshotDownload = null;
            follower.fetchDeadlineMs = nowMs + config.retryBackoffMs();
            return null;
        }
        if (download.isComplete()) {
            follower.snapshotDownload = null;
            return download.toSnapshot();
        }
        sendFetch(follower, highWatermark, nowMs);
        return null;
    }

    private void truncateToDivergence(FetchResponse response, long highWatermark) {
        OffsetAndEpoch ownEnd = log.endOffsetForEpoch(response.divergingEpoch());
        long truncateTo = Math.min(response.divergingEndOffset(), ownEnd == null ? log.startOffset() : ownEnd.offset());
        if (truncateTo < highWatermark) {
            throw new IllegalStateException("divergence at " + truncateTo + " below the high watermark "
                + highWatermark + ": committed entries would be lost");
        }
        if (truncateTo < log.endOffset()) {
            log.truncateFrom(truncateTo);
            effects.write(new StorageOperation.TruncateFrom(truncateTo));
        }
    }
}
