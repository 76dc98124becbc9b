package dev.sluice.raft.io;

/** The state machine fed by a {@link RaftNode}. All calls come from one thread, in order. */
public interface RaftListener {
    /**
     * Called on one thread, in offset order, once per committed entry, including each leader's epoch marker (an
     * empty payload); on start, replays every committed entry from the start of the log.
     */
    void handleCommit(long offset, int epoch, byte[] payload);

    /**
     * leaderId -1 when unknown. epochStartOffset = offset of the leader's marker entry. When this node becomes
     * leader the call comes once the marker is committed, after every entry before it was passed to
     * {@link #handleCommit}; for another leader epochStartOffset is -1.
     */
    void handleLeaderChange(int leaderId, int epoch, long epochStartOffset);
}
