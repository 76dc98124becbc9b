package dev.sluice.raft;

/**
 * The part of a voter's state that must survive a crash: the current epoch, the candidate it voted for in that
 * epoch and the leader it knows for that epoch. Written synchronously before any message that depends on it
 * leaves the node. Ids are -1 when none.
 */
public record QuorumState(int epoch, int votedId, int leaderId) {
    public static final int NONE = -1;
    public static final QuorumState INITIAL = new QuorumState(0, NONE, NONE);

    public QuorumState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
    }
}
