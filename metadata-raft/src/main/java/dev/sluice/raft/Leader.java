package dev.sluice.raft;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader of {@link #epoch()}: tracks how far each replica has fetched, computes the high watermark and holds
 * fetches that have nothing to return yet (long-poll). Owned by the core's thread. Offsets are log offsets;
 * times are absolute milliseconds. Invariant: the high watermark only counts voters, and only moves past
 * {@link #epochStartOffset()} (an entry of this epoch), as in Raft.
 */
public final class Leader implements RaftRole {
    private final int epoch;
    private final int nodeId;
    private final long epochStartOffset;
    private final Map<Integer, ReplicaState> voters = new TreeMap<>();
    private final Map<Integer, ReplicaState> observers = new TreeMap<>();
    /** Held fetches by replica id, at most one per replica, in arrival order. */
    final Map<Integer, ParkedFetch> parkedFetches = new LinkedHashMap<>();
    /** Voters that have not yet answered BeginQuorumEpoch or fetched in this epoch. */
    final Set<Integer> unacknowledgedVoters = new HashSet<>();
    long beginQuorumEpochResendMs;
    boolean leaderChangeNotified;

    Leader(int epoch, int nodeId, long epochStartOffset, Set<Integer> voterIds, long nowMs) {
        this.epoch = epoch;
        this.nodeId = nodeId;
        this.epochStartOffset = epochStartOffset;
        for (int voterId : voterIds) {
            voters.put(voterId, new ReplicaState(voterId, nowMs));
            if (voterId != nodeId) {
                unacknowledgedVoters.add(voterId);
            }
        }
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public int leaderId() {
        return nodeId;
    }

    /** Offset of this epoch's leader-change marker. */
    public long epochStartOffset() {
        return epochStartOffset;
    }

    public List<ReplicaState> voterStates() {
        return List.copyOf(voters.values());
    }

    public List<ReplicaState> observerStates() {
        return List.copyOf(observers.values());
    }

    /** Records a validated fetch; returns the replica's state. */
    ReplicaState recordFetch(int replicaId, long fetchOffset, long leaderEndOffset, long nowMs) {
        ReplicaState state = voters.get(replicaId);
        if (state == null) {
            state = observers.computeIfAbsent(replicaId, id -> new ReplicaState(id, nowMs));
        }
        state.endOffset = fetchOffset;
        state.lastFetchMs = nowMs;
        if (fetchOffset >= leaderEndOffset) {
            state.lastCaughtUpMs = nowMs;
        }
        unacknowledgedVoters.remove(replicaId);
        return state;
    }

    /** Records a snapshot chunk fetch: proof of life for check-quorum, but no progress of the replica's log. */
    void recordSnapshotFetch(int replicaId, long nowMs) {
        ReplicaState state = voters.get(replicaId);
        if (state == null) {
            state = observers.computeIfAbsent(replicaId, id -> new ReplicaState(id, nowMs));
        }
        state.endOffset = -1;
        state.lastFetchMs = nowMs;
        unacknowledgedVoters.remove(replicaId);
    }

    void updateSelf(long endOffset, long nowMs) {
        ReplicaState self = voters.get(nodeId);
        self.endOffset = endOffset;
        self.lastFetchMs = nowMs;
        self.lastCaughtUpMs = nowMs;
    }

    /**
     * The high watermark the voters' end offsets allow: the largest offset a majority has reached, but only when
     * it covers an entry of this epoch. Returns -1 when it does not.
     */
    long majorityHighWatermark(int majority) {
        List<Long> ends = new ArrayList<>();
        voters.values().forEach(state -> ends.add(state.endOffset));
        ends.sort(Comparator.reverseOrder());
        long majorityEnd = ends.get(majority - 1);
        return majorityEnd > epochStartOffset ? majorityEnd : -1;
    }

    /**
     * When check-quorum fails unless more voters fetch: the time the majority-th most recent contact (this node
     * counts as always in contact) becomes older than {@code fetchTimeoutMs}. {@link Long#MAX_VALUE} for a
     * single voter.
     */
    long checkQuorumDeadlineMs(int majority, long fetchTimeoutMs) {
        if (majority <= 1) {
            return Long.MAX_VALUE;
        }
        List<Long> contacts = new ArrayList<>();
        voters.values().stream().filter(state -> state.nodeId != nodeId)
            .forEach(state -> contacts.add(state.lastFetchMs));
        contacts.sort(Comparator.reverseOrder());
        return contacts.get(majority - 2) + fetchTimeoutMs;
    }

    /** Voters ordered by how far they have replicated, furthest first: the successors to prefer on resigning. */
    List<Integer> preferredSuccessors() {
        return voters.values().stream().filter(state -> state.nodeId != nodeId)
            .sorted(Comparator.comparingLong((ReplicaState state) -> state.endOffset).reversed()
                .thenComparingInt(state -> state.nodeId))
            .map(state -> state.nodeId).toList();
    }

    /** A fetch held until new entries, a newer high watermark or its deadline. */
    record ParkedFetch(RaftMessage.FetchRequest request, long deadlineMs) {
    }

    /** How far one replica has fetched. Offsets are -1 until it fetches in this epoch; times are absolute. */
    public static final class ReplicaState {
        private final int nodeId;
        long endOffset = -1;
        long lastFetchMs;
        long lastCaughtUpMs = -1;

        ReplicaState(int nodeId, long nowMs) {
            this.nodeId = nodeId;
            this.lastFetchMs = nowMs;
        }

        public int nodeId() {
            return nodeId;
        }

        public long endOffset() {
            return endOffset;
        }

        public long lastFetchMs() {
            return lastFetchMs;
        }

        public long lastCaughtUpMs() {
            return lastCaughtUpMs;
        }
    }
}
