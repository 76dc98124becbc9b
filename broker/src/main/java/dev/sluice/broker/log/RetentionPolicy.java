package dev.sluice.broker.log;

import java.util.Iterator;

/**
 * Decides how far retention may advance a partition's log start offset. Pure: no I/O, no clock, no state.
 *
 * <p>Rules, applied to whole batches walking from the oldest:
 * <ul>
 *   <li>time: a batch is expired when its max timestamp is older than {@code nowMs - retentionMs};</li>
 *   <li>size: while the partition still holds more than {@code retentionBytes}, the oldest batch goes;</li>
 *   <li>a batch is deleted only if it is expired or over the size limit, and so was every older batch
 *       (deletion is a prefix: the walk stops at the first batch kept);</li>
 *   <li>a batch is deleted only if it lies entirely below the high watermark, so retention never removes
 *       data that consumers (or, later, followers) have not been allowed to see. Otherwise it may empty
 *       the log, as Kafka does: the log start offset then equals the log end offset and offsets keep
 *       growing from there.</li>
 * </ul>
 * The walk stops at the first batch kept, so a caller backed by storage reads only the deleted batches
 * plus one.
 */
public final class RetentionPolicy {

    private RetentionPolicy() {
    }

    /**
     * Returns the new log start offset: {@code currentLogStartOffset} when nothing is to be deleted, else the
     * next offset of the newest deleted batch.
     *
     * @param oldestFirst summaries of the partition's batches in offset order, from the oldest
     * @param currentLogStartOffset the partition's log start offset now
     * @param totalBytes the sum of every stored batch's size (not just those iterated)
     * @param highWatermark no batch reaching at or above it is deleted
     * @param config retention settings
     * @param nowMs current time, epoch milliseconds
     */
    public static long newLogStartOffset(Iterator<BatchSummary> oldestFirst, long currentLogStartOffset,
                                         long totalBytes, long highWatermark, LogConfig config, long nowMs) {
        long excessBytes = config.retentionBytes() < 0 ? 0 : totalBytes - config.retentionBytes();
        boolean timeLimited = config.retentionMs() >= 0;
        // Subtracting can only underflow for absurd clocks; saturate instead of wrapping into the future.
        long expiredBeforeMs = timeLimited ? saturatedSubtract(nowMs, config.retentionMs()) : Long.MIN_VALUE;
        long newStart = currentLogStartOffset;
        while (oldestFirst.hasNext()) {
            BatchSummary batch = oldestFirst.next();
            if (batch.nextOffset() > highWatermark) {
                break;
            }
            boolean expired = timeLimited && batch.maxTimestampMs() < expiredBeforeMs;
            if (!expired && excessBytes <= 0) {
                break;
            }
            excessBytes -= batch.sizeBytes();
            newStart = Math.max(newStart, batch.nextOffset());
        }
        return newStart;
    }

    private static long saturatedSubtract(long a, long b) {
        long result = a - b;
        // Overflow iff the operands have different signs and the result's sign differs from a's.
        return ((a ^ b) & (a ^ result)) < 0 ? Long.MIN_VALUE : result;
    }
}
