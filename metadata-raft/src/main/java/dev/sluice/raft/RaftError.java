package dev.sluice.raft;

/** Error codes carried by Raft responses; expected outcomes, never exceptions. */
public enum RaftError {
    NONE,
    /** The sender's epoch is older than the receiver's. */
    FENCED_LEADER_EPOCH,
    NOT_LEADER,
    /** The sender is not a voter of this quorum. */
    INCONSISTENT_VOTER,
    UNKNOWN_SNAPSHOT
}
