package dev.sluice.raft;

/**
 * Fails an append on a node that is not (or no longer) the leader. The entry may still have been written: when
 * leadership is lost after the append, a later leader can commit it, so callers must treat the outcome as unknown.
 */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int leaderIdHint;
    private final int epoch;

    public NotLeaderException(int leaderIdHint, int epoch) {
        super("not the leader; leader hint " + leaderIdHint + " in epoch " + epoch);
        this.leaderIdHint = leaderIdHint;
        this.epoch = epoch;
    }

    /** The leader this node knows of, or -1. */
    public int leaderIdHint() {
        return leaderIdHint;
    }

    public int epoch() {
        return epoch;
    }
}
