package dev.sluice.broker.replication;

/**
 * The answer to "where does epoch E end in this log?" (Kafka's {@code OffsetsForLeaderEpoch}): the largest epoch
 * at or below E that the log knows, and the offset where it ends (the start offset of the next epoch, or the log
 * end for the latest epoch). {@link #UNDEFINED} when the log cannot say.
 *
 * @param epoch a leader epoch, or -1
 * @param endOffset the offset after the epoch's last record, or -1
 */
public record EpochEndOffset(int epoch, long endOffset) {

    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1;
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);

    public boolean isUndefined() {
        return epoch == UNDEFINED_EPOCH || endOffset == UNDEFINED_OFFSET;
    }
}
