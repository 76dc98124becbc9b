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
 * @param brokerEpoch the follower's broker epoch (its registration) sent with that fetch, or -1 before its first
 *     fetch in this epoch; a fetch with a lower one comes from a previous process of the follower (KIP-903)
 */
public record FollowerProgress(long logEndOffset, long lastFetchTimeMs, long lastCaughtUpTimeMs,
                               long lastFetchLeaderLogEndOffset, long brokerEpoch) {

    public static final long UNKNOWN_OFFSET = -1;
    public static final long UNKNOWN_BROKER_EPOCH = -1;

    /**
     * The state of a follower when this broker becomes leader: its log end is unknown; a follower in the ISR counts
     * as caught up now, so it gets a full lag time before it can be removed.
     */
    public static FollowerProgress atLeaderStart(boolean inIsr, long leaderLogEndOffset, long nowMs) {
        return new FollowerProgress(UNKNOWN_OFFSET, nowMs, inIsr ? nowMs : 0, leaderLogEndOffset,
                UNKNOWN_BROKER_EPOCH);
    }

    /**
     * After a validated fetch at {@code fetchOffset}, sent at {@code fetchBrokerEpoch}, while the leader's log ended
     * at {@code leaderLogEndOffset}.
     */
    public FollowerProgress afterFetch(long fetchBrokerEpoch, long fetchOffset, long leaderLogEndOffset, long nowMs) {
        long caughtUp = lastCaughtUpTimeMs;
        if (fetchOffset >= leaderLogEndOffset) {
            caughtUp = Math.max(caughtUp, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            caughtUp = Math.max(caughtUp, lastFetchTimeMs);
        }
        return new FollowerProgress(fetchOffset, nowMs, caughtUp, leaderLogEndOffset, fetchBrokerEpoch);
    }

    /** Whether a fetch sent at {@code fetchBrokerEpoch} comes from an earlier process than the last one counted. */
    public boolean isStale(long fetchBrokerEpoch) {
        return fetchBrokerEpoch < brokerEpoch;
    }

    /** Kafka's in-sync test: at the leader's log end now, or caught up within the last {@code lagMaxMs}. */
    public boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long lagMaxMs) {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= lagMaxMs;
    }
}
