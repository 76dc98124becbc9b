package dev.sluice.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable state of one simulated node: what survives a crash. Applies the core's writes as a disk would: the
 * entries from {@link #startOffset}, the snapshots by end offset, and the quorum state.
 */
final class SimStorage {
    final List<LogEntry> entries = new ArrayList<>();
    final TreeMap<Long, Snapshot> snapshots = new TreeMap<>();
    long startOffset;
    int startEpoch;
    QuorumState quorumState = QuorumState.INITIAL;

    long endOffset() {
        return startOffset + entries.size();
    }

    /** The entry at {@code offset}, or null when it is outside the log. */
    LogEntry entry(long offset) {
        return offset < startOffset || offset >= endOffset() ? null : entries.get((int) (offset - startOffset));
    }

    /** What a restart reads back; with {@code newestCorrupt} the newest snapshot fails its checksum. */
    RecoveredLog recovered(boolean newestCorrupt) {
        Snapshot chosen = null;
        for (Map.Entry<Long, Snapshot> entry : snapshots.descendingMap().entrySet()) {
            if (newestCorrupt && entry.getKey().equals(snapshots.lastKey())) {
                continue;
            }
            if (entry.getKey() >= startOffset) {
                chosen = entry.getValue();
            }
            break;
        }
        return new RecoveredLog(new OffsetAndEpoch(startOffset, startEpoch), chosen, List.copyOf(entries));
    }

    /** Whether a restart could fall back to an older snapshot if the newest were corrupt. */
    boolean canLoseNewestSnapshot() {
        return snapshots.size() >= 2 && snapshots.lowerKey(snapshots.lastKey()) >= startOffset;
    }

    void apply(List<StorageOperation> operations) {
        for (StorageOperation operation : operations) {
            if (operation instanceof StorageOperation.AppendEntries append) {
                for (LogEntry entry : append.entries()) {
                    if (entry.offset() != endOffset()) {
                        throw new IllegalStateException("gap: append " + entry.offset() + " at " + endOffset());
                    }
                    entries.add(entry);
                }
            } else if (operation instanceof StorageOperation.TruncateFrom truncate) {
                while (endOffset() > truncate.offset() && !entries.isEmpty()) {
                    entries.remove(entries.size() - 1);
                }
            } else if (operation instanceof StorageOperation.TruncatePrefix prefix) {
                long newStart = prefix.logStart().offset();
                entries.subList(0, (int) Math.max(0, Math.min(entries.size(), newStart - startOffset))).clear();
                startOffset = newStart;
                startEpoch = prefix.logStart().epoch();
                snapshots.headMap(newStart).clear();
            } else if (operation instanceof StorageOperation.WriteSnapshot write) {
                snapshots.put(write.snapshot().endOffset(), write.snapshot());
            } else if (operation instanceof StorageOperation.PersistQuorumState persist) {
                quorumState = persist.state();
            }
        }
    }
}
