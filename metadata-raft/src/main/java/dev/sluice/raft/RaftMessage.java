package dev.sluice.raft;

import java.util.List;

/**
 * The Raft protocol as plain records; protobuf is converted at the edge ({@code dev.sluice.raft.io}). Every
 * message names its sender in {@link #sourceId()}: requests carry it on the wire, and the transport fills it in
 * for responses from the node it called. Offsets are log offsets, epochs are leader epochs, times are
 * milliseconds.
 */
public sealed interface RaftMessage permits RaftMessage.Request, RaftMessage.Response {

    /** The node that sent this message. */
    int sourceId();

    /** A message that expects exactly one {@link Response} back. */
    sealed interface Request extends RaftMessage
        permits VoteRequest, BeginQuorumEpochRequest, EndQuorumEpochRequest, FetchRequest, FetchSnapshotRequest {
    }

    /** The answer to a {@link Request}. */
    sealed interface Response extends RaftMessage
        permits VoteResponse, BeginQuorumEpochResponse, EndQuorumEpochResponse, FetchResponse, FetchSnapshotResponse {
        int epoch();

        RaftError error();
    }

    /**
     * Asks for a vote. For a pre-vote, {@code candidateEpoch} is the epoch the candidate would move to and
     * nobody changes state. {@code lastEpoch} and {@code logEndOffset} describe the candidate's log.
     */
    record VoteRequest(int sourceId, int candidateEpoch, int lastEpoch, long logEndOffset, boolean preVote)
        implements Request {
    }

    record VoteResponse(int sourceId, int epoch, boolean granted, RaftError error, int leaderId, boolean preVote)
        implements Response {
    }

    /** Sent by a new leader to every voter so they stop waiting and start fetching. */
    record BeginQuorumEpochRequest(int sourceId, int leaderEpoch) implements Request {
    }

    record BeginQuorumEpochResponse(int sourceId, int epoch, RaftError error) implements Response {
    }

    /** Sent by a resigning leader; the first preferred successor starts an election right away. */
    record EndQuorumEpochRequest(int sourceId, int leaderEpoch, List<Integer> preferredSuccessors)
        implements Request {
        public EndQuorumEpochRequest {
            preferredSuccessors = List.copyOf(preferredSuccessors);
        }
    }

    record EndQuorumEpochResponse(int sourceId, int epoch, RaftError error) implements Response {
    }

    /**
     * Pull replication. {@code fetchOffset} is the fetcher's log end, {@code lastFetchedEpoch} the epoch of the
     * entry before it, {@code highWatermark} the fetcher's high watermark. The leader may hold the request up to
     * {@code maxWaitMs} while it has nothing new for the fetcher.
     */
    record FetchRequest(int sourceId, int epoch, long fetchOffset, int lastFetchedEpoch, long highWatermark,
                        int maxBytes, int maxWaitMs, boolean observer) implements Request {
    }

    /**
     * Entries from the fetch offset, or a divergence ({@code divergingEndOffset >= 0}: truncate to the end of
     * {@code divergingEpoch} and fetch again), or a snapshot to fetch first ({@code snapshotEndOffset >= 0}).
     * {@code fetchOffset} and {@code lastFetchedEpoch} repeat the request's, so a late duplicate is recognised (it
     * still applies only if the log ends where it did when the request left); they are not on the wire: the calling
     * transport fills them in from the request it sent.
     */
    record FetchResponse(int sourceId, long fetchOffset, int lastFetchedEpoch, int leaderId, int epoch,
                         RaftError error, long highWatermark, List<LogEntry> entries, int divergingEpoch,
                         long divergingEndOffset, long snapshotEndOffset, int snapshotEpoch, long logStartOffset)
        implements Response {
        public FetchResponse {
            entries = List.copyOf(entries);
        }

        /** A response that carries only an error and the sender's view of leader and epoch. */
        public static FetchResponse error(int sourceId, FetchRequest request, int leaderId, int epoch,
                                          RaftError error) {
            return new FetchResponse(sourceId, request.fetchOffset(), request.lastFetchedEpoch(), leaderId, epoch,
                error, -1, List.of(), -1, -1, -1, -1, 0);
        }

        public boolean isDiverging() {
            return divergingEndOffset >= 0;
        }
    }

    /**
     * Reads the chunk at byte {@code position} of the leader's snapshot identified by ({@code snapshotEndOffset},
     * {@code snapshotEpoch}), at most {@code maxBytes} long.
     */
    record FetchSnapshotRequest(int sourceId, int epoch, long snapshotEndOffset, int snapshotEpoch, long position,
                                int maxBytes) implements Request {
    }

    /**
     * A chunk of the snapshot: {@code chunk} holds the bytes from {@code position} of {@code sizeBytes}. The error is
     * {@code UNKNOWN_SNAPSHOT} when the leader no longer has that snapshot (it took a newer one): fetch again.
     */
    record FetchSnapshotResponse(int sourceId, int leaderId, int epoch, RaftError error, long snapshotEndOffset,
                                 int snapshotEpoch, long sizeBytes, long position, byte[] chunk)
        implements Response {
    }
}
