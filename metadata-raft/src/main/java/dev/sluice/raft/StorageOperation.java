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

    /**
     * Removes every entry below {@code logStart.offset()} and every snapshot that ends below it, and records the new
     * log start (its offset and the epoch of the entry just before it).
     */
    record TruncatePrefix(OffsetAndEpoch logStart) implements StorageOperation {
    }

    /** Stores a snapshot, checksummed, next to any older one. */
    record WriteSnapshot(Snapshot snapshot) implements StorageOperation {
    }

    /** Replaces the persisted quorum state. */
    record PersistQuorumState(QuorumState state) implements StorageOperation {
    }
}
