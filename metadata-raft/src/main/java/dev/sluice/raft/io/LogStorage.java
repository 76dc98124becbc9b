package dev.sluice.raft.io;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.RecoveredLog;
import dev.sluice.raft.StorageOperation;
import java.util.List;

/**
 * Durable home of a node's Raft log, its snapshots and its quorum state. Used only by the driver thread.
 * {@link #write} is atomic and synced: when it returns, the operations survive a crash (kill -9 or power loss), so
 * messages that depend on them may leave.
 */
public interface LogStorage extends AutoCloseable {

    /**
     * Everything needed to restart: the log start, the newest snapshot that passes its checksum and that the log
     * continues (a corrupt one is skipped in favour of an older one, or of the log alone when it starts at 0), and
     * the entries from the log start. Throws {@link IllegalStateException} when no valid snapshot covers a log that
     * does not start at 0.
     */
    RecoveredLog readLog();

    /** Every entry from the log start, in offset order, checked to be contiguous with non-decreasing epochs. */
    List<LogEntry> readEntries();

    /** The last persisted quorum state, or {@link QuorumState#INITIAL}. */
    QuorumState readQuorumState();

    /** Applies the operations in order, atomically, and syncs them to disk. */
    void write(List<StorageOperation> operations);

    @Override
    void close();
}
