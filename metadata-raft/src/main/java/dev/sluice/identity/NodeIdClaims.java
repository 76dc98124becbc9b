package dev.sluice.identity;

import java.util.HashMap;
import java.util.Map;

/**
 * Which data directory holds each node id, as a receiver sees its steady traffic (a leader sees every replica's
 * fetches), so that a second process started with a live node's id is told apart from that node restarting. Pure:
 * times are milliseconds passed in; no clock, no I/O. Not thread-safe: the caller serializes.
 *
 * <p>The first directory seen for an id holds it. Each {@link #refresh} by the holder keeps it; a request from
 * another directory is {@link Verdict#REFUSED} while the holder was seen within {@code holderTimeoutMs}, and takes the
 * id over after that. A restart on the same data directory keeps its directory id, so it is never refused; a restart
 * on a new (wiped) directory waits at most {@code holderTimeoutMs} after the old process's last request. Two live
 * processes keep the first one: the second is refused for as long as the first keeps sending.
 */
public final class NodeIdClaims {
    /** The outcome of one request's claim. */
    public enum Verdict {
        /** Accept: the directory holds the id (for {@link #check}: no live holder contests it). */
        HELD,
        /** Accept: the directory took the id, which was free or whose holder was silent for too long. */
        TAKEN_OVER,
        /** Another directory holds the id and was seen recently: refuse. */
        REFUSED
    }

    private record Holder(String directoryId, long lastSeenMs) {
    }

    private final long holderTimeoutMs;
    private final Map<Integer, Holder> holders = new HashMap<>();

    public NodeIdClaims(long holderTimeoutMs) {
        this.holderTimeoutMs = holderTimeoutMs;
    }

    /**
     * A request from {@code directoryId} claiming {@code nodeId} that keeps the claim alive (steady traffic, such as
     * a fetch): it takes the id when free or when the holder has been silent for longer than the timeout.
     */
    public Verdict refresh(int nodeId, String directoryId, long nowMs) {
        Holder holder = holders.get(nodeId);
        if (holder != null && !holder.directoryId().equals(directoryId)
                && nowMs - holder.lastSeenMs() <= holderTimeoutMs) {
            return Verdict.REFUSED;
        }
        holders.put(nodeId, new Holder(directoryId, nowMs));
        return holder != null && holder.directoryId().equals(directoryId) ? Verdict.HELD : Verdict.TAKEN_OVER;
    }

    /**
     * A request that does not keep a claim alive (an occasional one, such as a vote request): refused only while
     * another directory holds the id and was seen recently; it never takes the id.
     */
    public Verdict check(int nodeId, String directoryId, long nowMs) {
        Holder holder = holders.get(nodeId);
        if (holder != null && !holder.directoryId().equals(directoryId)
                && nowMs - holder.lastSeenMs() <= holderTimeoutMs) {
            return Verdict.REFUSED;
        }
        return Verdict.HELD;
    }

    /** The directory holding {@code nodeId}, or null when none was seen. */
    public String holder(int nodeId) {
        Holder holder = holders.get(nodeId);
        return holder == null ? null : holder.directoryId();
    }

    /** Milliseconds since the holder of {@code nodeId} was last seen, or -1 when none was seen. */
    public long holderSilenceMs(int nodeId, long nowMs) {
        Holder holder = holders.get(nodeId);
        return holder == null ? -1 : nowMs - holder.lastSeenMs();
    }
}
