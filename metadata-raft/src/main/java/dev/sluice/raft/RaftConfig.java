package dev.sluice.raft;

import java.util.Set;

/**
 * Settings of one Raft core. All durations are milliseconds. A node whose id is not in {@code voterIds} is an
 * observer: it fetches the log but never votes and is never counted.
 *
 * @param electionTimeoutMs base election timeout; each wait adds a random jitter of up to the same amount
 * @param fetchTimeoutMs    a follower that has not heard from its leader this long starts an election, and a
 *                          leader not fetched from by a majority this long resigns (check-quorum)
 * @param fetchMaxWaitMs    how long a leader may hold a fetch that has nothing new (long-poll)
 * @param requestTimeoutMs  how long a sender waits for a response before it gives up on it
 * @param retryBackoffMs    pause before retrying a failed request
 * @param fetchMaxBytes     the most entry bytes one fetch response carries (always at least one entry), and the
 *                          most snapshot bytes one FetchSnapshot response carries
 * @param snapshotIntervalEntries the state machine is asked for a snapshot after this many committed entries
 *                          since the last one; 0 never asks
 */
public record RaftConfig(int nodeId, Set<Integer> voterIds, long electionTimeoutMs, long fetchTimeoutMs,
                         long fetchMaxWaitMs, long requestTimeoutMs, long retryBackoffMs, int fetchMaxBytes,
                         long snapshotIntervalEntries) {
    public static final long DEFAULT_SNAPSHOT_INTERVAL_ENTRIES = 10_000;

    /** Without snapshots. */
    public RaftConfig(int nodeId, Set<Integer> voterIds, long electionTimeoutMs, long fetchTimeoutMs,
                      long fetchMaxWaitMs, long requestTimeoutMs, long retryBackoffMs, int fetchMaxBytes) {
        this(nodeId, voterIds, electionTimeoutMs, fetchTimeoutMs, fetchMaxWaitMs, requestTimeoutMs, retryBackoffMs,
            fetchMaxBytes, 0);
    }

    public RaftConfig {
        if (snapshotIntervalEntries < 0 || fetchMaxBytes <= 0) {
            throw new IllegalArgumentException("snapshotIntervalEntries must be >= 0 and fetchMaxBytes > 0");
        }
        // Sorted, so iterating the voters (and so a simulation) is the same in every JVM.
        voterIds = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(voterIds));
        if (voterIds.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one voter");
        }
        if (electionTimeoutMs <= 0 || fetchTimeoutMs <= 0 || requestTimeoutMs <= 0 || retryBackoffMs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (fetchMaxWaitMs + requestTimeoutMs >= fetchTimeoutMs) {
            throw new IllegalArgumentException("fetchMaxWaitMs + requestTimeoutMs must be below fetchTimeoutMs");
        }
    }

    /** Derives the secondary timeouts from the two that matter. */
    public static RaftConfig of(int nodeId, Set<Integer> voterIds, long electionTimeoutMs, long fetchTimeoutMs) {
        long fetchMaxWaitMs = Math.max(1, Math.min(500, fetchTimeoutMs / 4));
        long requestTimeoutMs = Math.max(1, fetchTimeoutMs / 4);
        long retryBackoffMs = Math.max(1, Math.min(50, electionTimeoutMs / 10));
        return new RaftConfig(nodeId, voterIds, electionTimeoutMs, fetchTimeoutMs, fetchMaxWaitMs,
            requestTimeoutMs, retryBackoffMs, 1 << 20, DEFAULT_SNAPSHOT_INTERVAL_ENTRIES);
    }

    public RaftConfig withSnapshotIntervalEntries(long entries) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMs, fetchTimeoutMs, fetchMaxWaitMs, requestTimeoutMs,
            retryBackoffMs, fetchMaxBytes, entries);
    }

    public boolean isVoter() {
        return voterIds.contains(nodeId);
    }

    /** Votes (or replicas) needed for a majority of the voters. */
    public int majority() {
        return voterIds.size() / 2 + 1;
    }
}
