package dev.sluice.raft;

import java.util.ArrayList;
import java.util.List;

/** The durable state of one simulated node: what survives a crash. Applies the core's writes as a disk would. */
final class SimStorage {
    final List<LogEntry> entries = new ArrayList<>();
    QuorumState quorumState = QuorumState.INITIAL;

    void apply(List<StorageOperation> operations) {
        for (StorageOperation operation : operations) {
            if (operation instanceof StorageOperation.AppendEntries append) {
                for (LogEntry entry : append.entries()) {
                    if (entry.offset() != entries.size()) {
                        throw new IllegalStateException("gap: append " + entry.offset() + " at " + entries.size());
                    }
                    entries.add(entry);
                }
            } else if (operation instanceof StorageOperation.TruncateFrom truncate) {
                while (entries.size() > truncate.offset()) {
                    entries.remove(entries.size() - 1);
                }
            } else if (operation instanceof StorageOperation.PersistQuorumState persist) {
                quorumState = persist.state();
            }
        }
    }
}
