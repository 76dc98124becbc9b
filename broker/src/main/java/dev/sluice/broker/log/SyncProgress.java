package dev.sluice.broker.log;

/**
 * How much of one partition's log is on disk and how much may be acknowledged, under its {@link FlushPolicy}. Pure
 * bookkeeping: the {@link PartitionLog} calls it under its lock after each change and publishes the results.
 *
 * <p>The <b>acknowledgeable end</b> is the offset below which every batch either is synced or was appended under a
 * policy that did not require a sync. It is what the leader counts for itself in the high watermark and what
 * {@code acks=1} waits for. It never moves back except by truncation, which only followers do.
 *
 * <p>Invariants: {@code syncedEnd <= logEnd}, {@code acknowledgeableEnd <= logEnd}, and every offset below
 * {@code requiredSyncEnd} that is not below {@code acknowledgeableEnd} waits for a sync.
 *
 * <p>Units: record offsets. Not thread-safe.
 */
final class SyncProgress {

    /** Where the log ended when an fsync began, and how many truncations it had seen. */
    record Capture(long logEnd, long truncations) { }

    private long logEnd;
    private long syncedEnd;
    private long acknowledgeableEnd;
    /** The end of the newest append that must be synced before it counts. */
    private long requiredSyncEnd;
    private long unsyncedRecords;
    /** Counts cuts of the log, so that an fsync that began before one does not vouch for data written after it. */
    private long truncations;

    /** The state of a log just opened: what recovery found is on disk. */
    SyncProgress(long logEnd) {
        this.logEnd = logEnd;
        this.syncedEnd = logEnd;
        this.acknowledgeableEnd = logEnd;
        this.requiredSyncEnd = logEnd;
    }

    /**
     * A batch of {@code records} records was appended and the log now ends at {@code newLogEnd}.
     *
     * @return whether this append must be synced before it counts
     */
    boolean afterAppend(long newLogEnd, long records, FlushPolicy policy) {
        if (newLogEnd < logEnd) {
            throw new IllegalArgumentException("an append moved the log end back from " + logEnd + " to " + newLogEnd);
        }
        boolean waitingBefore = requiredSyncEnd > acknowledgeableEnd;
        logEnd = newLogEnd;
        unsyncedRecords += records;
        boolean required = policy.requiresSync(unsyncedRecords);
        if (required) {
            requiredSyncEnd = newLogEnd;
        } else if (!waitingBefore) {
            acknowledgeableEnd = newLogEnd;
        }
        return required;
    }

    /** What an fsync starting now will cover. */
    Capture capture() {
        return new Capture(logEnd, truncations);
    }

    /** An fsync that began at {@code capture} has completed. */
    void afterSync(Capture capture) {
        if (capture.truncations() != truncations) {
            return;  // the log was cut meanwhile: what it covered may have been replaced; the next sync will tell
        }
        long synced = Math.min(capture.logEnd(), logEnd);
        if (synced <= syncedEnd) {
            return;
        }
        syncedEnd = synced;
        if (syncedEnd >= requiredSyncEnd) {
            // Nothing appended after the last required sync needed one: all of it counts.
            acknowledgeableEnd = logEnd;
        } else {
            acknowledgeableEnd = Math.max(acknowledgeableEnd, syncedEnd);
        }
        unsyncedRecords = logEnd - syncedEnd;
    }

    /**
     * The log was cut back to {@code newLogEnd} (a follower truncating, or restarting empty at an offset). What is
     * left was there before, so nothing new waits for a sync; an fsync is still owed for the cut itself, which the
     * next sync covers.
     */
    void afterTruncation(long newLogEnd) {
        truncations++;
        logEnd = newLogEnd;
        syncedEnd = Math.min(syncedEnd, newLogEnd);
        acknowledgeableEnd = Math.min(acknowledgeableEnd, newLogEnd);
        requiredSyncEnd = Math.min(requiredSyncEnd, newLogEnd);
        unsyncedRecords = Math.max(0, newLogEnd - syncedEnd);
    }

    /**
     * A log restarted empty at {@code newLogEnd} (a follower below its leader's log start): nothing is stored, so
     * everything counts.
     */
    void afterReset(long newLogEnd) {
        truncations++;
        logEnd = newLogEnd;
        syncedEnd = newLogEnd;
        acknowledgeableEnd = newLogEnd;
        requiredSyncEnd = newLogEnd;
        unsyncedRecords = 0;
    }

    long acknowledgeableEnd() {
        return acknowledgeableEnd;
    }

    long syncedEnd() {
        return syncedEnd;
    }

    /** Whether some appended data must be synced before it counts. */
    boolean awaitsSync() {
        return requiredSyncEnd > acknowledgeableEnd;
    }

    /** Whether anything appended is not known to be on disk. */
    boolean hasUnsyncedData() {
        return syncedEnd < logEnd;
    }
}
