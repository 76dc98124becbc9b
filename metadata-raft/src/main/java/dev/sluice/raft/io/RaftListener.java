package dev.sluice.raft.io;

/** The state machine fed by a {@link RaftNode}. All calls come from one thread, in order. */
public interface RaftListener {
    /**
     * Called on one thread, in offset order, once per committed entry, including each leader's epoch marker (an
     * empty payload); on start, replays every committed entry after the loaded snapshot (or from the start of the
     * log when there is none).
     */
    void handleCommit(long offset, int epoch, byte[] payload);

    /**
     * leaderId -1 when unknown. epochStartOffset = offset of the leader's marker entry. When this node becomes
     * leader the call comes once the marker is committed, after every entry before it was passed to
     * {@link #handleCommit}; for another leader epochStartOffset is -1.
     */
    void handleLeaderChange(int leaderId, int epoch, long epochStartOffset);

    /**
     * Serializes the state as of the last entry passed to {@link #handleCommit}. Called between commits, every
     * {@link RaftNodeConfig#snapshotIntervalEntries()} committed entries; the node stores the bytes durably and
     * may then drop the log below an older snapshot. The bytes must be what {@link #handleSnapshot} reads back.
     */
    byte[] createSnapshot();

    /**
     * Replaces the whole state with a snapshot's: the state after every entry below {@code snapshotEndOffset};
     * {@code epoch} is the epoch of the entry at {@code snapshotEndOffset - 1}. Called on start, before any commit,
     * when storage holds a snapshot, and at any time when this node's log fell behind the leader's log start and it
     * loaded the leader's snapshot. Commits continue at {@code snapshotEndOffset}.
     */
    void handleSnapshot(long snapshotEndOffset, int epoch, byte[] snapshot);
}
