package dev.sluice.broker.log;

/**
 * Where {@link PartitionLog#append} put a batch.
 *
 * @param baseOffset offset assigned to the batch's first record
 * @param lastOffset offset assigned to its last record
 * @param logAppendTimeMs the broker time written into the batch header, epoch milliseconds
 * @param logStartOffset the log start offset after the append
 */
public record AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset) {

    /** The log end offset right after this append. */
    public long nextOffset() {
        return lastOffset + 1;
    }
}
