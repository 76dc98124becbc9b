package dev.sluice.raft.io;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.StorageOperation;
import java.util.List;

/**
 * Durable home of a node's Raft log and quorum state. Used only by the driver thread. {@link #write} is atomic and
 * synced: when it returns, the operations survive a crash (kill -9 or power loss), so messages that depend on
 * them may leave.
 */
public interface LogStorage extends AutoCloseable {

    /** Every entry, in offset order, checked to be contiguous with non-decreasing epochs. */
    List<LogEntry> readEntries();

    /** The last persisted quorum state, or {@link QuorumState#INITIAL}. */
    QuorumState readQuorumState();

    /** Applies the operations in order, atomically, and syncs them to disk. */
    void write(List<StorageOperation> operations);

    @Override
    void close();
}
