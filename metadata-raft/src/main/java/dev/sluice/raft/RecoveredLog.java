package dev.sluice.raft;

import java.util.List;

/**
 * What a node reads back from durable storage on start, besides its quorum state: where the log starts (the offset of
 * its first entry and the epoch of the entry just before it, (0, 0) for a log never truncated), the newest valid
 * snapshot (null when none), and the entries from the log start on.
 *
 * <p>Invariant, checked here: the snapshot, when present, ends inside the log or at its end, so replaying the
 * entries after it rebuilds the state.
 */
public record RecoveredLog(OffsetAndEpoch logStart, Snapshot snapshot, List<LogEntry> entries) {
    public static final OffsetAndEpoch LOG_START = new OffsetAndEpoch(0, 0);

    public RecoveredLog {
        entries = List.copyOf(entries);
        if (!entries.isEmpty() && entries.get(0).offset() != logStart.offset()) {
            throw new IllegalStateException("log starts at " + logStart.offset() + " but its first entry is "
                + entries.get(0));
        }
        if (snapshot == null && logStart.offset() > 0) {
            throw new IllegalStateException("log starts at " + logStart.offset() + " but no snapshot covers it");
        }
        long endOffset = logStart.offset() + entries.size();
        if (snapshot != null && (snapshot.endOffset() < logStart.offset() || snapshot.endOffset() > endOffset)) {
            throw new IllegalStateException(snapshot + " outside the log [" + logStart.offset() + ", " + endOffset
                + "]");
        }
    }

    /** A log without snapshots, starting at offset 0. */
    public static RecoveredLog of(List<LogEntry> entries) {
        return new RecoveredLog(LOG_START, null, entries);
    }
}
