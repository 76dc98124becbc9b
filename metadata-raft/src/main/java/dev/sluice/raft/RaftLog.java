package dev.sluice.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The core's in-memory view of the replicated log, mirroring what the shell has made durable. Owned by the core's
 * thread. Invariants: offsets are contiguous from {@link #startOffset()}; epochs never decrease; {@code epochStarts}
 * holds one entry per distinct epoch, in order.
 */
public final class RaftLog {
    private final long startOffset = 0;
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<OffsetAndEpoch> epochStarts = new ArrayList<>();

    /** Rebuilds the view from entries read back from storage, checking the invariants as it goes. */
    public static RaftLog of(List<LogEntry> recovered) {
        RaftLog log = new RaftLog();
        recovered.forEach(log::append);
        return log;
    }

    public long startOffset() {
        return startOffset;
    }

    /** The offset the next appended entry gets. */
    public long endOffset() {
        return startOffset + entries.size();
    }

    /** The epoch of the last entry, or 0 for an empty log. */
    public int lastEpoch() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).epoch();
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
     * The largest epoch in this log that is at most {@code epoch}, with the end offset of its entries. Answers
     * (0, startOffset) when no such epoch exists. This is how leader and follower find where their logs diverge.
     */
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        for (int i = epochStarts.size() - 1; i >= 0; i--) {
            OffsetAndEpoch start = epochStarts.get(i);
            if (start.epoch() <= epoch) {
                long end = i + 1 < epochStarts.size() ? epochStarts.get(i + 1).offset() : endOffset();
                return new OffsetAndEpoch(end, start.epoch());
            }
        }
        return new OffsetAndEpoch(startOffset, 0);
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
