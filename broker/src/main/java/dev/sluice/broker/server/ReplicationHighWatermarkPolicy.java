package dev.sluice.broker.server;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.partition.HighWatermarkPolicy;
import dev.sluice.broker.replication.PartitionReplicas;
import dev.sluice.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;

/**
 * The produce path's replication hook backed by {@link PartitionReplicas}: the high watermark moves when the ISR has
 * the data, and {@code acks=all} checks the ISR against {@code min.insync.replicas} and waits for the high watermark;
 * {@code acks=1} waits for the local fsync where the topic's flush policy asks for one.
 */
final class ReplicationHighWatermarkPolicy implements HighWatermarkPolicy {
    private final PartitionReplicas replicas;

    ReplicationHighWatermarkPolicy(PartitionReplicas replicas) {
        this.replicas = replicas;
    }

    @Override
    public void afterLocalAppend(PartitionLog log, AppendResult appended) {
        replicas.afterLocalAppend(log, appended);
    }

    @Override
    public ErrorCode checkAcksAll(PartitionLog log, int minInsyncReplicas) {
        return replicas.checkAcksAll(log.key(), minInsyncReplicas);
    }

    @Override
    public CompletableFuture<ErrorCode> awaitAcksAll(PartitionLog log, int leaderEpoch, AppendResult appended,
                                                     long timeoutMs) {
        return replicas.awaitAcksAll(log, leaderEpoch, appended, timeoutMs);
    }

    @Override
    public CompletableFuture<ErrorCode> awaitAcknowledgeable(PartitionLog log, long nextOffset) {
        return replicas.awaitAcknowledgeable(log, nextOffset);
    }
}
