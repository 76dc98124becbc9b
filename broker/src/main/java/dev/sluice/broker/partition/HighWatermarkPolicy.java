package dev.sluice.broker.partition;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;

/**
 * The produce path's hook into replication: what happens to a partition's high watermark after a local append,
 * and what {@code acks=all} needs before and after it. With followers the leader moves the high watermark only when
 * every in-sync replica has fetched past it, so {@code acks=all} waits for that; with a single replica everything
 * appended is committed at once.
 *
 * <p>Called on produce request threads; no method may block.
 */
@FunctionalInterface
public interface HighWatermarkPolicy {

    /**
     * For a partition with a single replica (this broker) and no syncer: everything appended that its flush policy
     * lets count is committed.
     */
    HighWatermarkPolicy SINGLE_REPLICA = (log, appended) -> log.updateHighWatermark(
            Math.min(log.acknowledgeableEndOffset(), log.logEndOffset()));

    void afterLocalAppend(PartitionLog log, AppendResult appended);

    /**
     * Before an {@code acks=all} append: NONE to go ahead, NOT_ENOUGH_REPLICAS while the ISR is smaller than
     * {@code min.insync.replicas}, or NOT_LEADER. Nothing is appended unless this says NONE.
     */
    default ErrorCode checkAcksAll(PartitionLog log, int minInsyncReplicas) {
        return ErrorCode.NONE;
    }

    /**
     * After an {@code acks=all} append at {@code leaderEpoch}: completes with NONE once the high watermark covers the
     * batch, or with REQUEST_TIMED_OUT / NOT_LEADER. NOT_LEADER also when this broker stopped leading at that epoch
     * before the call: the append and this wait are not atomic with leadership changes, and a demoted broker's high
     * watermark says nothing about a batch the new leader may have truncated.
     */
    default CompletableFuture<ErrorCode> awaitAcksAll(PartitionLog log, int leaderEpoch, AppendResult appended,
                                                      long timeoutMs) {
        return CompletableFuture.completedFuture(ErrorCode.NONE);
    }

    /**
     * Before answering {@code acks=1}: completes with NONE once the partition's flush policy lets everything below
     * {@code nextOffset} be acknowledged (synced, when it asks for durable acknowledgements), or with an error.
     */
    default CompletableFuture<ErrorCode> awaitAcknowledgeable(PartitionLog log, long nextOffset) {
        return CompletableFuture.completedFuture(ErrorCode.NONE);
    }
}
