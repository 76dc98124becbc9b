package dev.sluice.client.internal;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's I/O thread. Each round it refreshes metadata when due, drains ready batches per
 * leader into one {@code ProduceRequest} (at most {@code max.in.flight.requests.per.connection}
 * unanswered per broker), sends them asynchronously on the broker's produce stream ({@link PipelinedStreams}),
 * and fails batches past {@code delivery.timeout.ms}.
 * gRPC threads only enqueue responses; this thread handles them, so batch completion, retries and user
 * callbacks all run here and batch state needs no locks.
 *
 * <p>With idempotence it first gets a producer id ({@code InitProducerId}, from any broker, retried every
 * {@code retry.backoff.ms}) and sends nothing until it has one; {@code OUT_OF_ORDER_SEQUENCE_NUMBER} is retried
 * like any retriable error, and a sequenced batch failing for good or answered {@code UNKNOWN_PRODUCER_ID} makes
 * its partition start over under a bumped producer epoch ({@link ProducerIdempotence}).
 */
public final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long MAX_IDLE_MS = 100;

    private final ProducerSettings settings;
    private final RecordAccumulator accumulator;
    private final Metadata metadata;
    private final ChannelPool channels;
    private final PipelinedStreams<EncodedProduceRequest, ProduceResponse> produceStreams;
    private final Time time;
    private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightTotal = new AtomicInteger();
    private volatile Thread thread;
    private volatile boolean running = true;
    private volatile boolean forceClose;
    private volatile SluiceException lastError;
    private final ProducerIdempotence idempotence;
    private long nextProducerIdAttemptMs;
    private final AtomicLong uncompressedBytesSent = new AtomicLong();
    private final AtomicLong payloadBytesSent = new AtomicLong();
    /** Per broker, until when a quota throttles it (the broker's throttle_time_ms); this thread only. */
    private final Map<String, Long> throttledUntilMs = new HashMap<>();
    private final AtomicLong throttleTimeMsTotal = new AtomicLong();
    private final AtomicLong throttleTimeMsMax = new AtomicLong();
    private final AtomicLong throttledResponses = new AtomicLong();

    public Sender(ProducerSettings settings, RecordAccumulator accumulator, Metadata metadata, ChannelPool channels,
                  Time time) {
        this(settings, accumulator, metadata, channels, time, null);
    }

    /** @param idempotence the producer's sequence state, or null without idempotence */
    public Sender(ProducerSettings settings, RecordAccumulator accumulator, Metadata metadata, ChannelPool channels,
                  Time time, ProducerIdempotence idempotence) {
        this.idempotence = idempotence;
        this.settings = settings;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.channels = channels;
        this.produceStreams = new PipelinedStreams<>(channels, EncodedProduceRequest.PRODUCE_STREAM,
                EncodedProduceRequest.PRODUCE, "produce");
        this.time = time;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running) {
            runOnce();
        }
        accumulator.beginClose();
        while (!forceClose && (accumulator.hasUndrained() || inFlightTotal.get() > 0 || !completions.isEmpty())) {
            runOnce();
        }
        runCompletions();
        failRemaining(new SluiceException(ErrorCode.UNKNOWN_SERVER_ERROR,
                "producer closed before the record was acknowledged"));
        produceStreams.close();
    }

    /** One round: handle responses, refresh metadata, send what is ready, expire, then wait. */
    void runOnce() {
        runCompletions();
        long nowMs = time.milliseconds();
        if (metadata.updateDue(nowMs)) {
            SluiceException failure = metadata.maybeUpdate();
            if (failure != null) {
                lastError = failure;
            }
        }
        Cluster cluster = metadata.cluster();
        RecordAccumulator.ReadyResult ready = accumulator.ready(cluster, nowMs);
        if (!ready.unknownLeaderTopics().isEmpty()) {
            metadata.addTopics(ready.unknownLeaderTopics());
            metadata.requestUpdate();
        }
        ready.readyNodes().removeIf(node -> inFlightCount(node).get() >= settings.maxInFlightPerBroker());
        long throttleWaitMs = removeThrottled(ready.readyNodes(), nowMs);
        if (idempotence != null && !idempotence.hasProducerId() && !maybeInitProducerId(nowMs)) {
            ready.readyNodes().clear();
        }
        Map<String, List<ProducerBatch>> drained =
                accumulator.drain(cluster, ready.readyNodes(), settings.maxRequestSizeBytes(), nowMs);
        drained.forEach(this::sendProduceRequest);
        for (ProducerBatch batch : accumulator.expiredBatches(settings.deliveryTimeoutMs(), nowMs)) {
            failBatch(batch, expiredError(batch, nowMs));
        }
        long waitMs = Math.min(Math.min(ready.nextReadyCheckDelayMs(), MAX_IDLE_MS), throttleWaitMs);
        if (!ready.unknownLeaderTopics().isEmpty()) {
            waitMs = Math.min(waitMs, Math.max(settings.retryBackoffMs(), 1));
        }
        if (drained.isEmpty() && completions.isEmpty() && running) {
            // Nothing was sendable: either nothing is ready yet, or ready brokers are at their in-flight limit,
            // in which case a response (or a new batch) wakes this thread.
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(waitMs > 0 ? waitMs : MAX_IDLE_MS));
        }
    }

    /**
     * Leaves out the brokers whose quota throttle is not over: a broker that answered with a throttle time gets no
     * produce from this producer until it ends (KIP-219; otherwise the broker holds the request). Returns how long
     * until the first of them may be sent to again (Long.MAX_VALUE: none is throttled).
     */
    private long removeThrottled(java.util.Set<String> readyNodes, long nowMs) {
        if (throttledUntilMs.isEmpty()) {
            return Long.MAX_VALUE;
        }
        throttledUntilMs.values().removeIf(until -> until <= nowMs);
        long waitMs = Long.MAX_VALUE;
        for (Long until : throttledUntilMs.values()) {
            waitMs = Math.min(waitMs, until - nowMs);
        }
        readyNodes.removeIf(throttledUntilMs::containsKey);
        return waitMs;
    }

    /** Asks any broker for a producer id, at most once per retry.backoff.ms; returns whether one is set. */
    private boolean maybeInitProducerId(long nowMs) {
        if (nowMs < nextProducerIdAttemptMs) {
            return false;
        }
        nextProducerIdAttemptMs = nowMs + Math.max(settings.retryBackoffMs(), 1);
        List<String> addresses = metadata.brokerAddresses();
        for (String address : addresses) {
            try {
                InitProducerIdResponse response = BrokerGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                        .initProducerId(InitProducerIdRequest.newBuilder().setClientId(settings.clientId()).build());
                if (response.getError() == ErrorCode.NONE) {
                    idempotence.setProducerId(response.getProducerId(), response.getProducerEpoch());
                    LOG.debug("{} got producer id {}", settings.clientId(), response.getProducerId());
                    return true;
                }
                lastError = Errors.toException(response.getError(), response.getErrorMessage());
                if (lastError instanceof dev.sluice.client.AuthorizationException) {
                    // Refused, not unavailable: every broker answers the same until an administrator adds an ACL,
                    // so the records waiting for a producer id fail now (as Kafka's producer fails on
                    // ClusterAuthorizationException) instead of when their delivery timeout ends. Later sends try
                    // again.
                    accumulator.drainAll().forEach(batch -> failBatch(batch, lastError));
                    return false;
                }
            } catch (RuntimeException e) {
                lastError = Errors.fromTransport(address, e);
            }
        }
        return false;
    }

    private TimeoutException expiredError(ProducerBatch batch, long nowMs) {
        SluiceException cause = lastError;
        return new TimeoutException("expiring " + batch.recordCount() + " record(s) for " + batch.partition() + ": "
                + (nowMs - batch.createdMs()) + " ms has passed since batch creation"
                + (cause == null ? "" : " (last error: " + cause.getMessage() + ")"), cause);
    }

    private AtomicInteger inFlightCount(String node) {
        return inFlight.computeIfAbsent(node, n -> new AtomicInteger());
    }

    private void sendProduceRequest(String address, List<ProducerBatch> batches) {
        EncodedProduceRequest request =
                EncodedProduceRequest.encode(settings.acks(), settings.requestTimeoutMs(), batches);
        for (ProducerBatch batch : batches) {
            uncompressedBytesSent.addAndGet(batch.uncompressedSize());
            payloadBytesSent.addAndGet(batch.payloadSize());
        }
        inFlightCount(address).incrementAndGet();
        inFlightTotal.incrementAndGet();
        ListenableFuture<ProduceResponse> response;
        try {
            response = produceStreams.send(address, request, settings.requestTimeoutMs());
        } catch (RuntimeException e) {
            response = com.google.common.util.concurrent.Futures.immediateFailedFuture(e);
        }
        if (settings.acks() == 0) {
            batches.forEach(batch -> batch.complete(-1, -1));
        }
        ListenableFuture<ProduceResponse> done = response;
        done.addListener(() -> {
            completions.add(() -> handleProduceResponse(address, batches, done));
            wakeup();
        }, MoreExecutors.directExecutor());
    }

    private void handleProduceResponse(String address, List<ProducerBatch> batches,
                                       ListenableFuture<ProduceResponse> future) {
        inFlightCount(address).decrementAndGet();
        inFlightTotal.decrementAndGet();
        ProduceResponse response;
        try {
            response = future.get();
        } catch (ExecutionException | RuntimeException e) {
            SluiceException error = Errors.fromTransport(address, e);
            lastError = error;
            metadata.requestUpdate();
            boolean mayHaveBeenDelivered = Errors.mayHaveBeenDelivered(e);
            batches.forEach(batch -> {
                if (mayHaveBeenDelivered) {
                    batch.markMayBeInTheLog();
                }
                accumulator.unmute(batch.partition());
                retryOrFail(batch, error);
            });
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        batches.forEach(batch -> accumulator.unmute(batch.partition()));
        if (response.getThrottleTimeMs() > 0) {
            long throttleMs = response.getThrottleTimeMs();
            throttledUntilMs.merge(address, time.milliseconds() + throttleMs, Math::max);
            throttleTimeMsTotal.addAndGet(throttleMs);
            throttleTimeMsMax.accumulateAndGet(throttleMs, Math::max);
            throttledResponses.incrementAndGet();
        }
        if (settings.acks() == 0) {
            batches.forEach(accumulator::deallocate);
            return;
        }
        Map<TopicPartition, ProducePartitionResult> results = new HashMap<>();
        for (ProducePartitionResult result : response.getResultsList()) {
            results.put(new TopicPartition(result.getTopic(), result.getPartition()), result);
        }
        for (ProducerBatch batch : batches) {
            handlePartitionResult(batch, results.get(batch.partition()));
        }
    }

    private void handlePartitionResult(ProducerBatch batch, ProducePartitionResult result) {
        if (result == null) {
            batch.markMayBeInTheLog();
            retryOrFail(batch, new RetriableException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "broker sent no result for " + batch.partition()));
        } else if (result.getError() == ErrorCode.NONE) {
            if (idempotence != null) {
                idempotence.acknowledged(batch);
            }
            batch.complete(result.getBaseOffset(), result.getLogAppendTimeMs());
            accumulator.deallocate(batch);
        } else {
            SluiceException error = Errors.toException(result.getError(), result.getErrorMessage().isEmpty()
                    ? Errors.describe(result.getError()) + " for " + batch.partition() : result.getErrorMessage());
            if (!maybeRecordWhetherInTheLog(batch, result.getError())) {
                return;
            }
            if (result.getError() == ErrorCode.UNKNOWN_PRODUCER_ID && idempotence != null
                    && idempotence.requestRenumbering(batch)) {
                // The leader has no state for our numbering in this partition (a new leader never got our batches):
                // this partition alone starts over under a bumped epoch once its in-flight batches are answered.
                // Other partitions keep their sequences, so a retry there is still recognised as a duplicate.
                LOG.info("{}: {}; renumbering {} under epoch {}", settings.clientId(), error.getMessage(),
                        batch.partition(), idempotence.producerEpoch());
            }
            if (Errors.isRetriable(result.getError())) {
                lastError = error;
                if (result.getError() != ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
                    metadata.requestUpdate();
                }
            }
            retryOrFail(batch, error);
        }
    }

    /**
     * Records what a refusal says about whether {@code batch} is in the log ({@link ProducerBatch#mayBeInTheLog}).
     * Returns false, after failing the batch, when the leader refused by sequence a batch that a later acknowledged
     * one proves is in the log: it can be neither resent (the leader forgot it) nor renumbered (it would be written
     * twice).
     */
    private boolean maybeRecordWhetherInTheLog(ProducerBatch batch, ErrorCode error) {
        if (Errors.provesBatchNotInLog(error)) {
            if (idempotence != null && idempotence.laterBatchAcknowledged(batch)) {
                failBatch(batch, new SluiceException(error, batch.partition() + ": the batch is in the log (a later "
                        + "batch of the same producer epoch was acknowledged), but the leader no longer remembers it, "
                        + "so its offset is unknown"));
                return false;
            }
            batch.markNotInTheLog();
        } else if (!Errors.refusedBeforeAppend(error)) {
            batch.markMayBeInTheLog();
        }
        return true;
    }

    private void retryOrFail(ProducerBatch batch, SluiceException error) {
        long nowMs = time.milliseconds();
        boolean retriable = error instanceof RetriableException;
        boolean inBudget = nowMs + settings.retryBackoffMs() - batch.createdMs() < settings.deliveryTimeoutMs();
        if (settings.acks() != 0 && retriable && inBudget && batch.attempts() < settings.retries() && !forceClose) {
            LOG.debug("retrying {} after {}", batch.partition(), error.getMessage());
            batch.scheduleRetry(nowMs + settings.retryBackoffMs());
            accumulator.reenqueue(batch);
        } else if (settings.acks() == 0) {
            accumulator.deallocate(batch);
        } else {
            failBatch(batch, error);
        }
    }

    private void failBatch(ProducerBatch batch, RuntimeException error) {
        if (idempotence != null && idempotence.requestRenumbering(batch)) {
            LOG.warn("{}: a batch for {} failed after it got sequence {}; renumbering the partition under epoch {}",
                    settings.clientId(), batch.partition(), batch.baseSequence(), idempotence.producerEpoch());
        }
        batch.fail(error);
        accumulator.deallocate(batch);
    }

    private void runCompletions() {
        Runnable completion;
        while ((completion = completions.poll()) != null) {
            completion.run();
        }
    }

    private void failRemaining(RuntimeException error) {
        for (ProducerBatch batch : accumulator.drainAll()) {
            failBatch(batch, error);
        }
        for (ProducerBatch batch : accumulator.incompleteBatches()) {
            if (!batch.result().isDone()) {
                batch.fail(error);
            }
            accumulator.deallocate(batch);
        }
    }

    /** Quota throttling the brokers asked for: total ms, the largest single throttle in ms, throttled responses. */
    public long[] throttleTimes() {
        return new long[] {throttleTimeMsTotal.get(), throttleTimeMsMax.get(), throttledResponses.get()};
    }

    /** Record bytes sent before compression, and as sent (after compression), retries included. */
    public long[] bytesSent() {
        return new long[] {uncompressedBytesSent.get(), payloadBytesSent.get()};
    }

    /** Wakes the thread early (new batch, full batch, flush, response). */
    public void wakeup() {
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    /** Stops accepting rounds; the thread then sends everything left and exits. */
    public void initiateClose() {
        running = false;
        accumulator.beginClose();
        wakeup();
    }

    /** Stops at once; everything unsent or unacknowledged fails. */
    public void forceClose() {
        forceClose = true;
        initiateClose();
    }
}
