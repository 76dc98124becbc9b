package dev.sluice.raft;

import java.util.List;

/**
 * A write the shell must make durable (synced) before it sends any message or notification of the same batch.
 * Operations apply in order.
 */
public sealed interface StorageOperation {

    /** Appends entries at the current log end. */
    record AppendEntries(List<LogEntry> entries) implements StorageOperation {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /** Removes every entry at or above {@code offset}. */
    record TruncateFrom(long offset) implements StorageOperation {
    }

    /** Replaces the persisted quorum state. */
    record PersistQuorumState(QuorumState state) implements StorageOperation {
    }
}
