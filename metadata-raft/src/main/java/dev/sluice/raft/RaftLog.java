package dev.sluice.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The core's in-memory view of the replicated log and its newest snapshot, mirroring what the shell has made
 * durable. Owned by the core's thread.
 *
 * <p>The log holds the entries from {@link #startOffset()} on; everything below is covered by a snapshot.
 * {@link #startEpoch()} is the epoch of the entry just before the start (0 at offset 0), so fetches that continue
 * right at the start can still be checked for consistency.
 *
 * <p>Invariants: offsets are contiguous from the start; epochs never decrease and none is below the start epoch;
 * {@code epochStarts} holds one entry per distinct epoch of the retained entries, in order, none below the start;
 * the newest snapshot, when there is one, ends at or above the start and at or below the end.
 */
public final class RaftLog {
    private long startOffset;
    private int startEpoch;
    private Snapshot latestSnapshot;
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<OffsetAndEpoch> epochStarts = new ArrayList<>();

    /** Rebuilds the view from what storage read back, checking the invariants as it goes. */
    public static RaftLog of(RecoveredLog recovered) {
        RaftLog log = new RaftLog();
        log.startOffset = recovered.logStart().offset();
        log.startEpoch = recovered.logStart().epoch();
        recovered.entries().forEach(log::append);
        log.latestSnapshot = recovered.snapshot();
        return log;
    }

    /** Rebuilds the view of a log that starts at offset 0 and has no snapshot. */
    public static RaftLog of(List<LogEntry> recovered) {
        return of(RecoveredLog.of(recovered));
    }

    public long startOffset() {
        return startOffset;
    }

    /** The epoch of the entry just before {@link #startOffset()}, or 0 at offset 0. */
    public int startEpoch() {
        return startEpoch;
    }

    /** The newest snapshot, or null. */
    public Snapshot latestSnapshot() {
        return latestSnapshot;
    }

    /** The offset the next appended entry gets. */
    public long endOffset() {
        return startOffset + entries.size();
    }

    /** The epoch of the last entry, or the start epoch for an empty log. */
    public int lastEpoch() {
        return entries.isEmpty() ? startEpoch : entries.get(entries.size() - 1).epoch();
    }

    public OffsetAndEpoch endOffsetAndEpoch() {
        return new OffsetAndEpoch(endOffset(), lastEpoch());
    }

    public LogEntry entry(long offset) {
        if (offset < startOffset || offset >= endOffset()) {
            throw new IllegalArgumentException("offset " + offset + " outside [" + startOffset + ", "
                + endOffset() + ")");
        }
        return entries.get((int) (offset - startOffset));
    }

    /** The epoch of the entry at {@code offset - 1}, also when that entry is the one just before the start. */
    public int epochBefore(long offset) {
        return offset == startOffset ? startEpoch : entry(offset - 1).epoch();
    }

    public void append(LogEntry entry) {
        if (entry.offset() != endOffset()) {
            throw new IllegalStateException("append at " + entry.offset() + " but log ends at " + endOffset());
        }
        if (entry.epoch() < lastEpoch()) {
            throw new IllegalStateException("epoch " + entry.epoch() + " below last epoch " + lastEpoch());
        }
        if (entries.isEmpty() || entry.epoch() > lastEpoch()) {
            epochStarts.add(new OffsetAndEpoch(entry.offset(), entry.epoch()));
        }
        entries.add(entry);
    }

    /** Removes every entry at or above {@code offset}. */
    public void truncateFrom(long offset) {
        if (offset < startOffset) {
            throw new IllegalStateException("truncate to " + offset + " below log start " + startOffset);
        }
        while (endOffset() > offset) {
            entries.remove(entries.size() - 1);
        }
        while (!epochStarts.isEmpty() && epochStarts.get(epochStarts.size() - 1).offset() >= offset) {
            epochStarts.remove(epochStarts.size() - 1);
        }
    }

    /**
     * Records a newer snapshot of committed entries this log holds and drops the entries below {@code newStart},
     * which must not pass the snapshot.
     */
    public void addSnapshot(Snapshot snapshot, long newStart) {
        if (latestSnapshot != null && snapshot.endOffset() <= latestSnapshot.endOffset()) {
            throw new IllegalStateException(snapshot + " is not newer than " + latestSnapshot);
        }
        if (snapshot.endOffset() > endOffset() || epochBefore(snapshot.endOffset()) != snapshot.epoch()) {
            throw new IllegalStateException(snapshot + " does not match the log [" + startOffset + ", "
                + endOffset() + ")");
        }
        if (newStart < startOffset || newStart > snapshot.endOffset()) {
            throw new IllegalStateException("log start " + newStart + " outside [" + startOffset + ", "
                + snapshot.endOffset() + "]");
        }
        int newStartEpoch = epochBefore(newStart);
        entries.subList(0, (int) (newStart - startOffset)).clear();
        startOffset = newStart;
        startEpoch = newStartEpoch;
        while (epochStarts.size() > 1 && epochStarts.get(1).offset() <= newStart) {
            epochStarts.remove(0);
        }
        if (!epochStarts.isEmpty()) {
            OffsetAndEpoch first = epochStarts.get(0);
            if (entries.isEmpty()) {
                epochStarts.clear();
            } else if (first.offset() < newStart) {
                epochStarts.set(0, new OffsetAndEpoch(newStart, first.epoch()));
            }
        }
        latestSnapshot = snapshot;
    }

    /** Replaces the whole log with a snapshot fetched from the leader: the log becomes empty and starts after it. */
    public void resetTo(Snapshot snapshot) {
        entries.clear();
        epochStarts.clear();
        startOffset = snapshot.endOffset();
        startEpoch = snapshot.epoch();
        latestSnapshot = snapshot;
    }

    /**
     * The largest epoch in this log that is at most {@code epoch}, with the end offset of its entries; the entry
     * before the start counts, so an epoch that ends right at the start is known. Answers null when {@code epoch}
     * is older than anything this log knows (only a snapshot can bring such a fetcher up to date). This is how
     * leader and follower find where their logs diverge.
     */
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        for (int i = epochStarts.size() - 1; i >= 0; i--) {
            OffsetAndEpoch start = epochStarts.get(i);
            if (start.epoch() <= epoch) {
                long end = i + 1 < epochStarts.size() ? epochStarts.get(i + 1).offset() : endOffset();
                return new OffsetAndEpoch(end, start.epoch());
            }
        }
        return epoch >= startEpoch ? new OffsetAndEpoch(startOffset, startEpoch) : null;
    }

    /** Entries from {@code fromOffset}, at least one when there are any, then as many as fit in {@code maxBytes}. */
    public List<LogEntry> read(long fromOffset, int maxBytes) {
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        for (long offset = fromOffset; offset < endOffset(); offset++) {
            LogEntry entry = entry(offset);
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }
}
