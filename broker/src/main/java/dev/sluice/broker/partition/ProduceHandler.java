package dev.sluice.broker.partition;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.PartitionDeletedException;
import dev.sluice.broker.log.ProducerSequenceException;
import dev.sluice.broker.log.StaleLeaderEpochException;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The produce data path: for each partition of a request, resolve it, validate its batch, append it to the
 * local log and let the {@link HighWatermarkPolicy} react. Partitions are independent: one failing does not
 * stop the others, and a partition whose batch is invalid has nothing written.
 *
 * <p>acks: 0 is answered once the local append is done; 1 once the append may be acknowledged under the topic's
 * flush policy (after the local fsync when it asks for durable acknowledgements); -1 once the high watermark covers
 * the batch (and fails with {@code NOT_ENOUGH_REPLICAS} while the ISR is below {@code min.insync.replicas}). Any
 * other acks value, or a negative {@code timeout_ms} (0: the default), fails every partition with
 * {@code INVALID_REQUEST} and writes nothing.
 *
 * <p>Idempotent producers: a retried batch already in the log is answered {@code NONE} with its original offset
 * (Kafka's DUPLICATE_SEQUENCE handling); a sequence gap is {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (retriable), a
 * stale producer epoch {@code INVALID_PRODUCER_EPOCH}, and a producer this leader has no state for, sending a
 * sequence other than 0 (a new leader without the producer state), {@code UNKNOWN_PRODUCER_ID} (retriable). The
 * check runs under the partition lock in
 * {@code PartitionLog#append}.
 *
 * <p>Threads: stateless apart from its collaborators; called concurrently from request threads. Appends to
 * one partition serialize on that partition's lock inside {@code PartitionLog}.
 */
public final class ProduceHandler {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    /** Used when a request carries no timeout, as Kafka's {@code request.timeout.ms} default. */
    static final long DEFAULT_ACKS_ALL_TIMEOUT_MS = 30_000;

    private final PartitionResolver resolver;
    private final HighWatermarkPolicy highWatermarkPolicy;
    private final ToIntFunction<String> minInsyncReplicas;
    private final Clock clock;

    public ProduceHandler(PartitionResolver resolver, HighWatermarkPolicy highWatermarkPolicy, Clock clock) {
        this(resolver, highWatermarkPolicy, topic -> 1, clock);
    }

    /**
     * @param minInsyncReplicas a topic's {@code min.insync.replicas}, read for each {@code acks=all} batch
     */
    public ProduceHandler(PartitionResolver resolver, HighWatermarkPolicy highWatermarkPolicy,
                          ToIntFunction<String> minInsyncReplicas, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver);
        this.highWatermarkPolicy = Objects.requireNonNull(highWatermarkPolicy);
        this.minInsyncReplicas = Objects.requireNonNull(minInsyncReplicas);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Appends every partition's batch and completes once each is answered: at once for {@code acks} 0 and 1, and
     * for {@code acks=all} when the high watermark covers the batch (or the wait fails). Results keep the
     * request's partition order.
     */
    public CompletableFuture<ProduceResponse> handle(ProduceRequestView request) {
        String invalid = invalidRequest(request);
        long timeoutMs = request.getTimeoutMs() > 0 ? request.getTimeoutMs() : DEFAULT_ACKS_ALL_TIMEOUT_MS;
        List<CompletableFuture<ProducePartitionResult>> results = new ArrayList<>(request.getPartitionsCount());
        for (ProducePartitionView partition : request.getPartitionsList()) {
            if (invalid == null) {
                results.add(produce(partition, request.getAcks(), timeoutMs));
            } else {
                results.add(CompletableFuture.completedFuture(failure(partition, ErrorCode.INVALID_REQUEST, invalid,
                        -1)));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            ProduceResponse.Builder response = ProduceResponse.newBuilder();
            results.forEach(result -> response.addResults(result.join()));
            return response.build();
        });
    }

    /** What is wrong with the request-level fields, or null. */
    private static String invalidRequest(ProduceRequestView request) {
        if (request.getAcks() != 0 && request.getAcks() != 1 && request.getAcks() != -1) {
            return "acks must be 0, 1 or -1, was " + request.getAcks();
        }
        if (request.getTimeoutMs() < 0) {
            return "timeout_ms must be >= 0 (0: the default " + DEFAULT_ACKS_ALL_TIMEOUT_MS + "), was "
                    + request.getTimeoutMs();
        }
        return null;
    }

    private CompletableFuture<ProducePartitionResult> produce(ProducePartitionView partition, int acks,
                                                             long timeoutMs) {
        boolean acksAll = acks == -1;
        ResolvedPartition resolved = resolver.resolve(partition.getTopic(), partition.getPartition());
        if (acksAll && resolved instanceof ResolvedPartition.Leader leader) {
            ErrorCode gate = highWatermarkPolicy.checkAcksAll(leader.log(),
                    minInsyncReplicas.applyAsInt(partition.getTopic()));
            if (gate != ErrorCode.NONE) {
                return CompletableFuture.completedFuture(failure(partition, gate, gate == ErrorCode.NOT_ENOUGH_REPLICAS
                        ? "the in-sync replicas of " + partition.getTopic() + "-" + partition.getPartition()
                        + " are fewer than min.insync.replicas" : "this broker no longer leads the partition", -1));
            }
        }
        ProducePartitionResult appended = append(partition, resolved);
        if (appended.getError() != ErrorCode.NONE || acks == 0) {
            return CompletableFuture.completedFuture(appended);
        }
        if (acks == 1) {
            long nextOffset = appended.getBaseOffset() + partition.getBatch().getHeader().getRecordCount();
            return highWatermarkPolicy.awaitAcknowledgeable(((ResolvedPartition.Leader) resolved).log(), nextOffset)
                    .thenApply(error -> error == ErrorCode.NONE ? appended : failure(partition, error,
                            "the batch was appended but could not be synced to disk", -1));
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        AppendResult position = new AppendResult(appended.getBaseOffset(), appended.getBaseOffset()
                + partition.getBatch().getHeader().getRecordCount() - 1, appended.getLogAppendTimeMs(),
                appended.getLogStartOffset());
        return highWatermarkPolicy.awaitAcksAll(leader.log(), leader.leaderEpoch(), position, timeoutMs)
                .thenApply(error ->
                error == ErrorCode.NONE ? appended : failure(partition, error, error == ErrorCode.REQUEST_TIMED_OUT
                        ? "the in-sync replicas did not confirm the batch within " + timeoutMs + " ms"
                        : "leadership moved before the in-sync replicas confirmed the batch", -1));
    }

    private ProducePartitionResult append(ProducePartitionView partition, ResolvedPartition resolved) {
        if (resolved instanceof ResolvedPartition.Failure failure) {
            return failure(partition, failure.error(), failure.message(), failure.leaderIdHint());
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        if (!partition.hasBatch()) {
            return failure(partition, ErrorCode.INVALID_REQUEST, "no batch given", -1);
        }
        ValidationResult verdict = BatchValidator.validate(partition.getBatch(), leader.config().maxMessageBytes());
        if (verdict instanceof ValidationResult.Invalid invalid) {
            return failure(partition, invalid.error(), invalid.message(), -1);
        }
        ValidationResult.Valid valid = (ValidationResult.Valid) verdict;
        AppendResult appended;
        try {
            appended = leader.log().append(valid.batch(), leader.leaderEpoch(), clock.millis());
            if (!appended.duplicate()) {
                highWatermarkPolicy.afterLocalAppend(leader.log(), appended);
            }
        } catch (ProducerSequenceException e) {
            ErrorCode error = switch (e.reason()) {
                case OUT_OF_ORDER -> ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
                case FENCED -> ErrorCode.INVALID_PRODUCER_EPOCH;
                case UNKNOWN_PRODUCER -> ErrorCode.UNKNOWN_PRODUCER_ID;
            };
            return failure(partition, error, e.getMessage(), -1);
        } catch (StaleLeaderEpochException e) {
            return failure(partition, ErrorCode.NOT_LEADER, e.getMessage(), -1);
        } catch (PartitionDeletedException e) {
            return failure(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, e.getMessage(), -1);
        } catch (LogStorageException e) {
            // The log store reported the failed write to the fault handler, which logged it with its cause and
            // stops the node; every append after it is refused, so logging each one again would only flood the log.
            log.debug("Append to {}-{} failed: {}", partition.getTopic(), partition.getPartition(), e.getMessage());
            return failure(partition, ErrorCode.KAFKA_STORAGE_ERROR, e.getMessage(), -1);
        }
        return ProducePartitionResult.newBuilder()
                .setTopic(partition.getTopic())
                .setPartition(partition.getPartition())
                .setError(ErrorCode.NONE)
                .setBaseOffset(appended.baseOffset())
                .setLogAppendTimeMs(appended.logAppendTimeMs())
                .setLogStartOffset(appended.logStartOffset())
                .setLeaderId(-1)
                .setLeaderEpoch(leader.leaderEpoch())
                .build();
    }

    private static ProducePartitionResult failure(ProducePartitionView partition, ErrorCode error, String message,
                                                  int leaderIdHint) {
        return ProducePartitionResult.newBuilder()
                .setTopic(partition.getTopic())
                .setPartition(partition.getPartition())
                .setError(error)
                .setErrorMessage(message)
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1)
                .setLogStartOffset(-1)
                .setLeaderId(leaderIdHint)
                .setLeaderEpoch(-1)
                .build();
    }
}
