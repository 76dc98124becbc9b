package dev.sluice.broker.log;

/**
 * Where {@link PartitionLog#append} put a batch.
 *
 * @param baseOffset offset assigned to the batch's first record
 * @param lastOffset offset assigned to its last record
 * @param logAppendTimeMs the broker time written into the batch header, epoch milliseconds
 * @param logStartOffset the log start offset after the append
 * @param duplicate the batch was an idempotent producer's retry of one already in the log: nothing was appended
 *     and the offsets are the original batch's
 */
public record AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset,
                           boolean duplicate) {

    /** A fresh append. */
    public AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset) {
        this(baseOffset, lastOffset, logAppendTimeMs, logStartOffset, false);
    }

    /** The log end offset right after this append. */
    public long nextOffset() {
        return lastOffset + 1;
    }
}
