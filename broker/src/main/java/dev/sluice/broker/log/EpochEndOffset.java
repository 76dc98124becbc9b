package dev.sluice.broker.log;

import dev.sluice.broker.log.PartitionState.LeaderEpochEntry;
import java.util.List;

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

    /**
     * Where {@code requestedEpoch} ends in a log with this leader-epoch cache and log end (Kafka's
     * {@code OffsetsForLeaderEpoch} rule; pure). A cache lists, for each epoch, the first offset its leader wrote,
     * strictly ascending by epoch.
     *
     * <ul>
     *   <li>the latest epoch ends at the log end;</li>
     *   <li>an older epoch ends where the next known epoch starts; the epoch returned is the largest known epoch at
     *       or below the requested one (the requested one itself when the log knows no smaller one);</li>
     *   <li>an epoch above every known epoch, an empty cache or a requested epoch of -1 give {@link #UNDEFINED}.</li>
     * </ul>
     */
    public static EpochEndOffset forEpoch(List<LeaderEpochEntry> cache, long logEndOffset, int requestedEpoch) {
        if (requestedEpoch < 0 || cache.isEmpty()) {
            return UNDEFINED;
        }
        LeaderEpochEntry latest = cache.get(cache.size() - 1);
        if (latest.epoch() == requestedEpoch) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        LeaderEpochEntry floor = null;
        for (LeaderEpochEntry entry : cache) {
            if (entry.epoch() > requestedEpoch) {
                int epoch = floor == null ? requestedEpoch : floor.epoch();
                return new EpochEndOffset(epoch, entry.startOffset());
            }
            floor = entry;
        }
        return UNDEFINED;
    }

    public boolean isUndefined() {
        return epoch == UNDEFINED_EPOCH || endOffset == UNDEFINED_OFFSET;
    }
}
