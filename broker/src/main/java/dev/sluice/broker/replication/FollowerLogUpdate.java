package dev.sluice.broker.replication;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.EpochEndOffset;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionState;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.v1.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one partition of a replica fetch response to the follower's log: truncates on divergence, resets a log
 * that fell behind the leader's log start, appends the batches as they are, and raises the high watermark to
 * min(leader's high watermark, own log end). Stateless; called on the fetcher thread under the fetcher's lock.
 */
final class FollowerLogUpdate {

    private static final Logger log = LoggerFactory.getLogger(FollowerLogUpdate.class);

    /** What the fetcher does next with the partition. */
    enum Outcome { FETCH_AGAIN, BACK_OFF }

    private FollowerLogUpdate() {
    }

    static Outcome apply(PartitionLog partitionLog, ReplicaFetchPartitionResult result) {
        if (result.getError() == ErrorCode.OFFSET_OUT_OF_RANGE) {
            return handleOutOfRange(partitionLog, result);
        }
        if (result.getError() != ErrorCode.NONE) {
            log.debug("Replica fetch of {} failed: {} {}", partitionLog.key(), result.getError(),
                    result.getErrorMessage());
            return Outcome.BACK_OFF;
        }
        if (result.getDivergingEpoch() >= 0 || result.getDivergingEndOffset() >= 0) {
            truncateDiverged(partitionLog, new EpochEndOffset(result.getDivergingEpoch(),
                    result.getDivergingEndOffset()));
            return Outcome.FETCH_AGAIN;
        }
        for (ByteString batch : result.getBatchesList()) {
            partitionLog.appendAsFollower(batch);
        }
        long highWatermark = Math.min(result.getHighWatermark(), partitionLog.logEndOffset());
        partitionLog.updateHighWatermark(highWatermark);
        return Outcome.FETCH_AGAIN;
    }

    private static void truncateDiverged(PartitionLog partitionLog, EpochEndOffset diverging) {
        PartitionState state = partitionLog.state();
        long offset = EpochDivergence.truncationOffset(state.leaderEpochs(), state.logEndOffset(), diverging);
        log.info("Log of {} diverged from the leader (epoch {} ends at {}): truncating from {} to {}",
                partitionLog.key(), diverging.epoch(), diverging.endOffset(), state.logEndOffset(), offset);
        if (offset < state.logStartOffset()) {
            partitionLog.truncateFullyAndStartAt(offset);
        } else {
            partitionLog.truncateTo(offset);
        }
    }

    private static Outcome handleOutOfRange(PartitionLog partitionLog, ReplicaFetchPartitionResult result) {
        long logEnd = partitionLog.logEndOffset();
        if (result.getLogStartOffset() >= 0 && logEnd < result.getLogStartOffset()) {
            log.info("Log of {} ends at {}, below the leader's log start {}: restarting it there",
                    partitionLog.key(), logEnd, result.getLogStartOffset());
            partitionLog.truncateFullyAndStartAt(result.getLogStartOffset());
            return Outcome.FETCH_AGAIN;
        }
        if (result.getLogEndOffset() >= 0 && logEnd > result.getLogEndOffset()
                && result.getLogEndOffset() >= partitionLog.logStartOffset()) {
            log.info("Log of {} ends at {}, beyond the leader's log end {}: truncating", partitionLog.key(), logEnd,
                    result.getLogEndOffset());
            partitionLog.truncateTo(result.getLogEndOffset());
            return Outcome.FETCH_AGAIN;
        }
        return Outcome.BACK_OFF;
    }
}
