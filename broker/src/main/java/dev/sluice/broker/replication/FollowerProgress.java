package dev.sluice.broker.replication;

/**
 * What a leader knows about one follower, as of the follower's last fetch in the current leader epoch. Offsets are
 * record offsets; times are epoch milliseconds from the injected clock. Immutable.
 *
 * @param logEndOffset the follower's log end offset (its last validated fetch offset), or -1 before its first fetch
 *     in this epoch
 * @param lastFetchTimeMs when that fetch arrived
 * @param lastCaughtUpTimeMs the last time the follower had everything the leader had (Kafka's rule: a fetch at the
 *     leader's log end, or a fetch reaching the leader's log end as of the previous fetch)
 * @param lastFetchLeaderLogEndOffset the leader's log end offset when that fetch arrived
 */
public record FollowerProgress(long logEndOffset, long lastFetchTimeMs, long lastCaughtUpTimeMs,
                               long lastFetchLeaderLogEndOffset) {

    public static final long UNKNOWN_OFFSET = -1;

    /**
     * The state of a follower when this broker becomes leader: its log end is unknown; a follower in the ISR counts
     * as caught up now, so it gets a full lag time before it can be removed.
     */
    public static FollowerProgress atLeaderStart(boolean inIsr, long leaderLogEndOffset, long nowMs) {
        return new FollowerProgress(UNKNOWN_OFFSET, nowMs, inIsr ? nowMs : 0, leaderLogEndOffset);
    }

    /** After a validated fetch at {@code fetchOffset} while the leader's log ended at {@code leaderLogEndOffset}. */
    public FollowerProgress afterFetch(long fetchOffset, long leaderLogEndOffset, long nowMs) {
        long caughtUp = lastCaughtUpTimeMs;
        if (fetchOffset >= leaderLogEndOffset) {
            caughtUp = Math.max(caughtUp, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            caughtUp = Math.max(caughtUp, lastFetchTimeMs);
        }
        return new FollowerProgress(fetchOffset, nowMs, caughtUp, leaderLogEndOffset);
    }

    /** Kafka's in-sync test: at the leader's log end now, or caught up within the last {@code lagMaxMs}. */
    public boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long lagMaxMs) {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= lagMaxMs;
    }
}
