package dev.sluice.broker.replication;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.EpochEndOffset;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionState;
import dev.sluice.broker.log.ReadResult;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.internal.v1.ReplicaFetchPartition;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.v1.ErrorCode;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell around one led partition's {@link LeaderPartitionState}: answers replica fetches from the local
 * log, raises the log's high watermark, sends ISR changes through the {@link IsrChangeSender}, and wakes waiting
 * replica fetches when the log end moves.
 *
 * <p>Threads: any. A per-partition monitor serializes the core; the log is read and the high watermark raised
 * outside it (both are thread-safe, and a high watermark below the current one is ignored). Once {@link #close}d
 * (leadership ended), fetches are answered with {@code NOT_LEADER}.
 */
public final class LeaderPartition {

    private static final Logger log = LoggerFactory.getLogger(LeaderPartition.class);
    /** Uncommitted appends whose stage times are kept; beyond it a lagging follower's oldest give no samples. */
    private static final int TRACKED_APPENDS = 1024;

    private final PartitionLog partitionLog;
    private final LeaderPartitionState state;
    private final IsrChangeSender isrChanges;
    private final Clock clock;
    private final Set<Runnable> wakeups = ConcurrentHashMap.newKeySet();
    /** Append-to-commit stage times; the high watermark's own monotonic clock, not the injected wall clock. */
    private final CommitStages stages;
    private volatile boolean closed;

    LeaderPartition(int localBrokerId, PartitionLog partitionLog, PartitionImage partition, IsrChangeSender isrChanges,
                    Clock clock, ReplicationConfig config) {
        this(localBrokerId, partitionLog, partition, isrChanges, clock, config, CommitStages.Sink.NONE);
    }

    LeaderPartition(int localBrokerId, PartitionLog partitionLog, PartitionImage partition, IsrChangeSender isrChanges,
                    Clock clock, ReplicationConfig config, CommitStages.Sink stageSink) {
        this.stages = new CommitStages(TRACKED_APPENDS, System::nanoTime, stageSink);
        this.partitionLog = partitionLog;
        this.isrChanges = isrChanges;
        this.clock = clock;
        long logEnd = partitionLog.logEndOffset();
        this.state = new LeaderPartitionState(localBrokerId, partition, logEnd,
                Math.min(logEnd, partitionLog.acknowledgeableEndOffset()), partitionLog.highWatermark(),
                clock.millis(), config.replicaLagTimeMaxMs(), config.isrChangeRetryBackoffMs());
    }

    public PartitionKey key() {
        return partitionLog.key();
    }

    public PartitionLog log() {
        return partitionLog;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    /** The latest image's broker registrations (see {@link LeaderPartitionState#handleClusterImage}). */
    synchronized void handleClusterImage(ClusterImage cluster) {
        state.handleClusterImage(cluster);
    }

    /**
     * Answers one partition of a replica fetch: a divergence, an error, or the stored batches from the fetch
     * offset up to the log end, with the high watermark after counting this fetch.
     */
    ReplicaFetchPartitionResult handleFetch(int replicaId, long brokerEpoch, ReplicaFetchPartition request,
                                            int maxBytes) {
        ReplicaFetchPartitionResult.Builder result = ReplicaFetchPartitionResult.newBuilder()
                .setTopicId(request.getTopicId()).setPartition(request.getPartition())
                .setDivergingEpoch(-1).setDivergingEndOffset(-1);
        LeaderUpdate update;
        PartitionState seen;
        synchronized (this) {
            result.setLeaderEpoch(state.leaderEpoch());
            ErrorCode refusal = refusal(replicaId, brokerEpoch, request);
            seen = partitionLog.state();
            fillOffsets(result, seen, state.highWatermark());
            if (refusal != ErrorCode.NONE) {
                return result.setError(refusal).setErrorMessage(refusal + " for replica " + replicaId
                        + " (broker epoch " + brokerEpoch + ") at epoch " + request.getCurrentLeaderEpoch()
                        + "; leader epoch " + state.leaderEpoch()).build();
            }
            Optional<EpochEndOffset> diverging = EpochDivergence.divergence(seen.leaderEpochs(),
                    seen.logEndOffset(), request.getFetchOffset(), request.getLastFetchedEpoch());
            if (diverging.isPresent()) {
                return result.setDivergingEpoch(diverging.get().epoch())
                        .setDivergingEndOffset(diverging.get().endOffset()).build();
            }
            if (request.getFetchOffset() < seen.logStartOffset() || request.getFetchOffset() > seen.logEndOffset()) {
                return result.setError(ErrorCode.OFFSET_OUT_OF_RANGE).setErrorMessage("fetch offset "
                        + request.getFetchOffset() + " outside [" + seen.logStartOffset() + ", "
                        + seen.logEndOffset() + "]").build();
            }
            stages.stored(replicaId, request.getFetchOffset());
            update = state.handleFollowerFetch(replicaId, brokerEpoch, request.getFetchOffset(), seen.logEndOffset(),
                    clock.millis());
        }
        carryOut(update);
        result.setHighWatermark(update.highWatermark());
        int partitionMaxBytes = Math.min(maxBytes, request.getPartitionMaxBytes() > 0
                ? request.getPartitionMaxBytes() : Integer.MAX_VALUE);
        ReadResult read = partitionLog.read(request.getFetchOffset(), partitionMaxBytes, Long.MAX_VALUE);
        if (read.status() == ReadResult.Status.OFFSET_OUT_OF_RANGE) {
            // Retention moved the log start between the check and the read.
            return result.setError(ErrorCode.OFFSET_OUT_OF_RANGE).setLogStartOffset(read.logStartOffset()).build();
        }
        for (ByteString batch : read.batches()) {
            result.addBatches(batch);
        }
        if (!read.batches().isEmpty() && read.sizeBytes() < partitionMaxBytes) {
            // Not cut short by the byte limit: the answer holds everything up to the log end the read saw.
            stages.sent(replicaId, read.logEndOffset());
        }
        return result.setLogEndOffset(Math.max(seen.logEndOffset(), read.logEndOffset())).build();
    }

    private ErrorCode refusal(int replicaId, long brokerEpoch, ReplicaFetchPartition request) {
        if (closed) {
            return ErrorCode.NOT_LEADER;
        }
        if (request.getCurrentLeaderEpoch() < state.leaderEpoch()) {
            return ErrorCode.FENCED_EPOCH;
        }
        if (request.getCurrentLeaderEpoch() > state.leaderEpoch()
                || request.getLastFetchedEpoch() > state.leaderEpoch()) {
            // The follower saw a newer leader epoch than ours, or holds records a newer leader wrote: our leadership
            // is over, we just do not know yet. Answering with a divergence would truncate those records.
            return ErrorCode.NOT_LEADER;
        }
        if (state.follower(replicaId) == null) {
            return ErrorCode.INVALID_REQUEST;
        }
        if (state.isStaleFetch(replicaId, brokerEpoch)) {
            // Sent by a previous process of the follower and delivered late: its log may be gone (KIP-903).
            return ErrorCode.STALE_BROKER_EPOCH;
        }
        return ErrorCode.NONE;
    }

    private static void fillOffsets(ReplicaFetchPartitionResult.Builder result, PartitionState seen, long hw) {
        result.setHighWatermark(hw).setLogStartOffset(seen.logStartOffset()).setLogEndOffset(seen.logEndOffset());
    }

    /**
     * The produce path appended locally (the {@code HighWatermarkPolicy} hook), or the local log synced: the
     * leader's own contribution to the high watermark moves to its acknowledgeable end.
     */
    void afterLocalAppend() {
        LeaderUpdate update;
        synchronized (this) {
            if (closed) {
                return;
            }
            // Read the acknowledgeable end first: it never passes the log end read after it.
            long acknowledgeable = partitionLog.acknowledgeableEndOffset();
            long logEnd = partitionLog.logEndOffset();
            stages.appended(logEnd);
            update = state.handleLocalAppend(logEnd, acknowledgeable);
        }
        carryOut(update);
        wake();
    }

    /** The slowest commit since the last call, for the slow-commit log. */
    Optional<CommitStages.SlowCommit> takeSlowestCommit() {
        return stages.takeSlowest();
    }

    /** Periodic: proposes removing lagging followers from the ISR. */
    void maybeShrinkIsr() {
        LeaderUpdate update;
        synchronized (this) {
            if (closed) {
                return;
            }
            update = state.maybeShrinkIsr(clock.millis());
        }
        carryOut(update);
    }

    /** A new metadata image in which this broker still leads at the same epoch. */
    void handlePartitionImage(PartitionImage partition) {
        LeaderUpdate update;
        synchronized (this) {
            update = state.handlePartitionImage(partition, clock.millis());
        }
        carryOut(update);
    }

    /** For {@code acks=all}: whether the committed ISR is large enough. */
    public synchronized boolean hasEnoughInSyncReplicas(int minInsyncReplicas) {
        return state.hasEnoughInSyncReplicas(minInsyncReplicas);
    }

    /** The committed ISR, as this leader knows it. */
    public synchronized java.util.List<Integer> isr() {
        return state.isr();
    }

    private void carryOut(LeaderUpdate update) {
        if (update.highWatermarkAdvanced()) {
            // No wake-up: a waiting replica fetch is answered for new data, not for a high watermark that moved
            // (as Kafka completes a follower's delayed fetch). Followers learn the high watermark with their next
            // data or when their long poll ends; answering each advance at once cost every follower an extra round
            // trip per append, a third of the replication calls at low rates.
            partitionLog.updateHighWatermark(update.highWatermark());
            stages.committed(update.highWatermark());
        }
        update.isrProposal().ifPresent(this::send);
    }

    private void send(IsrProposal proposal) {
        log.info("Proposing ISR {} for {} at leader epoch {}, partition epoch {}", proposal.newIsr(), key(),
                proposal.leaderEpoch(), proposal.partitionEpoch());
        PartitionKey key = key();
        isrChanges.alterPartition(key.topicId(), key.partition(), proposal.leaderId(), proposal.leaderEpoch(),
                proposal.partitionEpoch(), proposal.newIsr(), proposal.joiningEpochs())
                .whenComplete((result, error) -> {
                    ErrorCode code = error != null ? ErrorCode.UNKNOWN_SERVER_ERROR : result.error();
                    if (code != ErrorCode.NONE) {
                        log.info("ISR change {} for {} refused: {}", proposal.newIsr(), key,
                                error != null ? error.toString() : code + " " + result.errorMessage());
                    }
                    LeaderUpdate update;
                    synchronized (this) {
                        update = state.handleIsrChangeResponse(proposal, code, clock.millis());
                    }
                    carryOut(update);
                });
    }

    /** Registers a callback run (quickly, on the appending thread) when the log end moves or leadership ends. */
    void addWakeup(Runnable wakeup) {
        wakeups.add(wakeup);
    }

    void removeWakeup(Runnable wakeup) {
        wakeups.remove(wakeup);
    }

    private void wake() {
        wakeups.forEach(Runnable::run);
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        return closed;
    }

    /** Leadership ended: later fetches get {@code NOT_LEADER}; waiting fetches are woken to see it. */
    void close() {
        closed = true;
        wake();
    }
}
