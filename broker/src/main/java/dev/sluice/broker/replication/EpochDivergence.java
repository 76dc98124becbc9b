package dev.sluice.broker.replication;

import dev.sluice.broker.log.EpochEndOffset;
import dev.sluice.broker.log.PartitionState.LeaderEpochEntry;
import java.util.List;
import java.util.Optional;

/**
 * Finds where a follower's log diverged from its leader's, from the two leader-epoch caches alone (Kafka's
 * {@code OffsetsForLeaderEpoch} rule, applied on fetch as in KIP-595). Pure and stateless.
 *
 * <p>A leader-epoch cache lists, for each epoch, the first offset its leader wrote; it is strictly ascending by
 * epoch and non-decreasing by offset. Two logs that hold a record of the same epoch at the same offset hold the same
 * records up to there (one leader per epoch writes one log), so comparing where each log's epochs end is enough.
 */
public final class EpochDivergence {

    private EpochDivergence() {
    }

    /** Where {@code requestedEpoch} ends in a log with this cache and log end: {@link EpochEndOffset#forEpoch}. */
    public static EpochEndOffset endOffsetFor(List<LeaderEpochEntry> cache, long logEndOffset, int requestedEpoch) {
        return EpochEndOffset.forEpoch(cache, logEndOffset, requestedEpoch);
    }

    /**
     * On the leader: whether a follower fetching at {@code fetchOffset} whose last batch has
     * {@code lastFetchedEpoch} diverged. It did when the leader's log ends that epoch before the fetch offset, or
     * knows only an older epoch. A follower with an empty log ({@code lastFetchedEpoch} -1) never diverges.
     *
     * @return the leader's epoch and end offset the follower must truncate to, or empty when the follower's log is
     *     a prefix of the leader's
     */
    public static Optional<EpochEndOffset> divergence(List<LeaderEpochEntry> leaderCache, long leaderLogEndOffset,
                                                      long fetchOffset, int lastFetchedEpoch) {
        if (lastFetchedEpoch < 0) {
            return Optional.empty();
        }
        EpochEndOffset leaderEnd = endOffsetFor(leaderCache, leaderLogEndOffset, lastFetchedEpoch);
        if (leaderEnd.isUndefined()) {
            // The follower knows an epoch newer than anything the leader wrote: keep what both can vouch for.
            int latestEpoch = leaderCache.isEmpty() ? EpochEndOffset.UNDEFINED_EPOCH
                    : leaderCache.get(leaderCache.size() - 1).epoch();
            return Optional.of(new EpochEndOffset(latestEpoch, leaderLogEndOffset));
        }
        if (leaderEnd.epoch() < lastFetchedEpoch || leaderEnd.endOffset() < fetchOffset) {
            return Optional.of(leaderEnd);
        }
        return Optional.empty();
    }

    /**
     * On the follower: the offset to truncate to after the leader reported {@code diverging}. That is the smaller
     * of the leader's end of that epoch and the follower's own end of it, and never above the follower's log end.
     * When the follower does not know the leader's epoch, the end of its largest smaller epoch is an intermediate
     * point; the next fetch (with the new last epoch) narrows it further, so repeated fetches converge.
     */
    public static long truncationOffset(List<LeaderEpochEntry> followerCache, long followerLogEndOffset,
                                        EpochEndOffset diverging) {
        if (diverging.endOffset() < 0) {
            return followerLogEndOffset;
        }
        if (diverging.epoch() < 0) {
            return Math.min(diverging.endOffset(), followerLogEndOffset);
        }
        EpochEndOffset own = endOffsetFor(followerCache, followerLogEndOffset, diverging.epoch());
        long ownEnd = own.isUndefined() ? followerLogEndOffset : own.endOffset();
        return Math.min(Math.min(ownEnd, diverging.endOffset()), followerLogEndOffset);
    }
}
