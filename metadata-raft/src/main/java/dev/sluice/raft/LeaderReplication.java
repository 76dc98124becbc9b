package dev.sluice.raft;

import dev.sluice.raft.RaftMessage.FetchRequest;
import dev.sluice.raft.RaftMessage.FetchResponse;
import dev.sluice.raft.RaftMessage.FetchSnapshotRequest;
import dev.sluice.raft.RaftMessage.FetchSnapshotResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The leader's side of pull replication for {@link RaftCore}: validates a fetch against the log (answering with
 * the diverging epoch when the fetcher's log went another way), serves entries, and holds fetches that have
 * nothing new (long-poll) until new entries, a newer high watermark, or their deadline; sends fetchers below the log
 * start to the newest snapshot and serves it in chunks. Runs on the core's
 * thread. Every held fetch is answered exactly once, also when leadership ends.
 */
final class LeaderReplication {
    private final RaftConfig config;
    private final RaftLog log;
    private final EffectsCollector effects;
    /** The leader whose held fetches are still open; answered with NOT_LEADER once the role changes. */
    private Leader servingLeader;

    LeaderReplication(RaftConfig config, RaftLog log, EffectsCollector effects) {
        this.config = config;
        this.log = log;
        this.effects = effects;
    }

    /** Records the fetcher's contact and, when its log matches, its end offset. Returns whether it matched. */
    boolean recordFetch(Leader leader, FetchRequest request, long nowMs) {
        servingLeader = leader;
        boolean matches = !needsSnapshot(request) && divergence(request) == null;
        leader.recordFetch(request.sourceId(), matches ? request.fetchOffset() : -1, log.endOffset(), nowMs);
        return matches;
    }

    /** Answers the fetch now, or holds it when there is nothing new and the fetcher may wait. */
    void answerOrPark(Leader leader, FetchRequest request, long highWatermark, long nowMs) {
        Leader.ParkedFetch superseded = leader.parkedFetches.remove(request.sourceId());
        if (superseded != null) {
            effects.send(request.sourceId(), response(leader, superseded.request(), highWatermark));
        }
        FetchResponse response = response(leader, request, highWatermark);
        if (response.entries().isEmpty() && !response.isDiverging() && response.snapshotEndOffset() < 0
            && request.maxWaitMs() > 0
            && isCurrent(request, highWatermark)) {
            long waitMs = Math.min(request.maxWaitMs(), config.fetchMaxWaitMs());
            leader.parkedFetches.put(request.sourceId(), new Leader.ParkedFetch(request, nowMs + waitMs));
        } else {
            effects.send(request.sourceId(), response);
        }
    }

    /** Answers held fetches that now have something to say, have expired, or whose leadership has ended. */
    void answerHeldFetches(RaftRole role, long highWatermark, long nowMs) {
        if (servingLeader != null && servingLeader != role) {
            for (Leader.ParkedFetch parked : servingLeader.parkedFetches.values()) {
                FetchRequest request = parked.request();
                effects.send(request.sourceId(), FetchResponse.error(config.nodeId(), request,
                    role.leaderId(), role.epoch(), RaftError.NOT_LEADER));
            }
            servingLeader.parkedFetches.clear();
            servingLeader = null;
        }
        if (!(role instanceof Leader leader) || leader.parkedFetches.isEmpty()) {
            return;
        }
        List<Integer> ready = new ArrayList<>();
        for (Leader.ParkedFetch parked : leader.parkedFetches.values()) {
            FetchRequest request = parked.request();
            if (log.endOffset() > request.fetchOffset() || !isCurrent(request, highWatermark)
                || nowMs >= parked.deadlineMs()) {
                ready.add(request.sourceId());
            }
        }
        for (int replicaId : ready) {
            FetchRequest request = leader.parkedFetches.remove(replicaId).request();
            effects.send(replicaId, response(leader, request, highWatermark));
        }
    }

    /** Whether the fetcher already knows the high watermark it would get from this fetch. */
    private static boolean isCurrent(FetchRequest request, long highWatermark) {
        return request.highWatermark() >= Math.min(highWatermark, request.fetchOffset());
    }

    private FetchResponse response(Leader leader, FetchRequest request, long highWatermark) {
        if (needsSnapshot(request)) {
            Snapshot snapshot = log.latestSnapshot();
            return response(leader, request, highWatermark, List.of(), null, snapshot.id());
        }
        OffsetAndEpoch diverging = divergence(request);
        if (diverging != null) {
            return response(leader, request, highWatermark, List.of(), diverging, null);
        }
        int maxBytes = request.maxBytes() > 0 ? Math.min(request.maxBytes(), config.fetchMaxBytes())
            : config.fetchMaxBytes();
        return response(leader, request, highWatermark, log.read(request.fetchOffset(), maxBytes), null, null);
    }

    private FetchResponse response(Leader leader, FetchRequest request, long highWatermark, List<LogEntry> entries,
                                   OffsetAndEpoch diverging, OffsetAndEpoch snapshotId) {
        return new FetchResponse(config.nodeId(), request.fetchOffset(), request.lastFetchedEpoch(), config.nodeId(),
            leader.epoch(), RaftError.NONE, highWatermark, entries, diverging == null ? -1 : diverging.epoch(),
            diverging == null ? -1 : diverging.offset(), snapshotId == null ? -1 : snapshotId.offset(),
            snapshotId == null ? -1 : snapshotId.epoch(), log.startOffset());
    }

    /**
     * Whether the fetcher must load our snapshot first: it fetches below our log start, or its last epoch is older
     * than anything our log still knows (so the divergence point, if any, lies inside the snapshot).
     */
    private boolean needsSnapshot(FetchRequest request) {
        return request.fetchOffset() < log.startOffset() || log.endOffsetForEpoch(request.lastFetchedEpoch()) == null;
    }

    /** Serves one chunk of the newest snapshot, or UNKNOWN_SNAPSHOT when the fetcher asks for another one. */
    void answerFetchSnapshot(Leader leader, FetchSnapshotRequest request, long nowMs) {
        leader.recordSnapshotFetch(request.sourceId(), nowMs);
        Snapshot snapshot = log.latestSnapshot();
        if (snapshot == null || snapshot.endOffset() != request.snapshotEndOffset()
            || snapshot.epoch() != request.snapshotEpoch() || request.position() < 0
            || request.position() > snapshot.data().length) {
            effects.send(request.sourceId(), new FetchSnapshotResponse(config.nodeId(), config.nodeId(),
                leader.epoch(), RaftError.UNKNOWN_SNAPSHOT, request.snapshotEndOffset(), request.snapshotEpoch(), -1,
                request.position(), new byte[0]));
            return;
        }
        int maxBytes = request.maxBytes() > 0 ? Math.min(request.maxBytes(), config.fetchMaxBytes())
            : config.fetchMaxBytes();
        int from = (int) request.position();
        byte[] chunk = Arrays.copyOfRange(snapshot.data(), from, (int) Math.min(snapshot.data().length,
            (long) from + maxBytes));
        effects.send(request.sourceId(), new FetchSnapshotResponse(config.nodeId(), config.nodeId(), leader.epoch(),
            RaftError.NONE, snapshot.endOffset(), snapshot.epoch(), snapshot.data().length, from, chunk));
    }

    /**
     * Null when the fetcher's log matches ours up to its fetch offset; otherwise the largest epoch we have at or
     * below its last fetched epoch, with that epoch's end offset, which is where the fetcher must truncate to.
     */
    private OffsetAndEpoch divergence(FetchRequest request) {
        OffsetAndEpoch end = log.endOffsetForEpoch(request.lastFetchedEpoch());
        if (end.epoch() == request.lastFetchedEpoch() && end.offset() >= request.fetchOffset()) {
            return null;
        }
        return end;
    }
}
