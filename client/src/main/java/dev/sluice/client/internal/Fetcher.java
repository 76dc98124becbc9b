package dev.sluice.client.internal;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerRecords;
import dev.sluice.client.Deserializer;
import dev.sluice.client.OffsetOutOfRangeException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's fetch pipeline. Keeps at most one long-poll fetch in flight per broker, on the broker's fetch stream
 * ({@link PipelinedStreams}; unary Fetch calls to a broker without it), asking for each
 * partition from its fetch offset (which runs ahead of the consumer position while data is buffered), so
 * the next batch of data is on its way while the application processes the last one. gRPC threads only
 * enqueue responses; everything else runs on the consumer's polling thread. Times in epoch milliseconds.
 */
public final class Fetcher<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    /** Buffered fetch results per partition beyond which the partition is not fetched again. */
    private static final int MAX_BUFFERED_PER_PARTITION = 2;

    /** A fetch response (or failure) with what was asked, for staleness checks. */
    private record CompletedFetch(String node, Map<TopicPartition, long[]> requested, ViewFetch.Leased response,
                                  Throwable failure) {
    }

    private final ConsumerSettings settings;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final Time time;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    /** The arrays responses are read into, reused once their records are handed out. */
    private final FetchBuffers buffers = new FetchBuffers();
    /** One fetch stream per broker, with at most one fetch on it at a time (see {@link #inFlight}). */
    private final PipelinedStreams<FetchRequest, ViewFetch.Leased> fetchStreams;
    private final LinkedBlockingQueue<Object> completed = new LinkedBlockingQueue<>();
    private final Set<String> inFlight = new HashSet<>();
    /** Per broker, until when no fetch goes there: after a failure, or while a quota throttles this consumer. */
    private final Map<String, Long> backoffUntilMs = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong throttleTimeMsTotal =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong throttledResponses =
            new java.util.concurrent.atomic.AtomicLong();
    private final LinkedHashMap<TopicPartition, Deque<FetchedRecords>> buffered = new LinkedHashMap<>();
    private RuntimeException pendingError;
    /** When each partition's repeated retriable fetch error was last logged (or first seen). */
    private final java.util.Map<TopicPartition, Long> lastFetchWarningMs = new java.util.HashMap<>();
    private static final long WARN_INTERVAL_MS = 10_000;

    public Fetcher(ConsumerSettings settings, Metadata metadata, ChannelPool channels,
                   SubscriptionState subscriptions, Time time, Deserializer<K> keyDeserializer,
                   Deserializer<V> valueDeserializer) {
        this.settings = settings;
        this.metadata = metadata;
        this.subscriptions = subscriptions;
        this.time = time;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.fetchStreams = new PipelinedStreams<>(channels, ViewFetch.fetchStream(buffers), ViewFetch.fetch(buffers),
                "fetch");
    }

    /** Sends a fetch to every broker without one in flight, for its partitions that have room to buffer. */
    public void sendFetches() {
        long nowMs = time.milliseconds();
        Cluster cluster = metadata.cluster();
        Map<String, FetchRequest.Builder> requests = new HashMap<>();
        Map<String, Map<TopicPartition, long[]>> requested = new HashMap<>();
        for (TopicPartition tp : subscriptions.assignedList()) {
            SubscriptionState.PartitionState state = subscriptions.state(tp);
            if (!state.hasPosition() || bufferedCount(tp) >= MAX_BUFFERED_PER_PARTITION) {
                continue;
            }
            String leader = cluster.leaderAddress(tp);
            if (leader == null) {
                metadata.requestUpdate();
                continue;
            }
            if (inFlight.contains(leader) || backoffUntilMs.getOrDefault(leader, 0L) > nowMs) {
                continue;
            }
            requests.computeIfAbsent(leader, l -> FetchRequest.newBuilder().setMaxWaitMs(settings.fetchMaxWaitMs())
                    .setMinBytes(settings.fetchMinBytes()).setMaxBytes(settings.fetchMaxBytes()))
                    .addPartitions(FetchPartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                            .setFetchOffset(state.fetchOffset())
                            .setPartitionMaxBytes(settings.maxPartitionFetchBytes()));
            requested.computeIfAbsent(leader, l -> new HashMap<>())
                    .put(tp, new long[] {state.fetchOffset(), state.epoch()});
        }
        requests.forEach((leader, request) -> send(leader, request.build(), requested.get(leader)));
    }

    private void send(String leader, FetchRequest request, Map<TopicPartition, long[]> requested) {
        inFlight.add(leader);
        ListenableFuture<ViewFetch.Leased> future = sendOnStream(leader, request);
        future.addListener(() -> {
            try {
                completed.add(new CompletedFetch(leader, requested, future.get(), null));
            } catch (ExecutionException e) {
                completed.add(new CompletedFetch(leader, requested, null, e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, MoreExecutors.directExecutor());
    }

    private ListenableFuture<ViewFetch.Leased> sendOnStream(String leader, FetchRequest request) {
        try {
            return fetchStreams.send(leader, request, (long) settings.fetchMaxWaitMs() + settings.requestTimeoutMs());
        } catch (RuntimeException e) {  // a closed channel pool
            return Futures.immediateFailedFuture(e);
        }
    }

    /** Whether any fetch is awaiting its response. */
    public boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /**
     * Waits up to {@code timeoutMs} for a response (or {@link #interrupt()}); responses are handled by
     * the next {@link #processCompleted()}.
     */
    public void awaitCompleted(long timeoutMs) throws InterruptedException {
        Object first = completed.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (first != null) {
            List<Object> all = new ArrayList<>();
            all.add(first);
            completed.drainTo(all);
            completed.addAll(all);
        }
    }

    /** Makes a blocked {@link #awaitCompleted} return (from any thread). */
    public void interrupt() {
        completed.add(Boolean.TRUE);
    }

    /** Handles every response received so far: buffers records, resets out-of-range positions, notes errors. */
    public void processCompleted() {
        Object item;
        while ((item = completed.poll()) != null) {
            if (item instanceof CompletedFetch fetch) {
                inFlight.remove(fetch.node());
                if (fetch.failure() != null) {
                    handleFailure(fetch);
                } else {
                    noteThrottle(fetch.node(), fetch.response().view().getThrottleTimeMs());
                    for (FetchPartitionResultView result : fetch.response().view().getResultsList()) {
                        handlePartition(fetch, result);
                    }
                    fetch.response().lease().release();  // the buffered records hold it from here on
                }
            }
        }
    }

    /**
     * A broker that answered with a quota throttle time gets no fetch from this consumer until it ends (KIP-219;
     * otherwise the broker holds the fetch). The records of the throttled response are served as usual.
     */
    private void noteThrottle(String node, int throttleMs) {
        if (throttleMs > 0) {
            backoffUntilMs.merge(node, time.milliseconds() + throttleMs, Math::max);
            throttleTimeMsTotal.addAndGet(throttleMs);
            throttledResponses.incrementAndGet();
        }
    }

    /** How long until a broker held back by a failure or a throttle may be fetched from again; 0: none held. */
    public long backoffRemainingMs() {
        long nowMs = time.milliseconds();
        long remaining = 0;
        for (long until : backoffUntilMs.values()) {
            if (until > nowMs) {
                remaining = remaining == 0 ? until - nowMs : Math.min(remaining, until - nowMs);
            }
        }
        return remaining;
    }

    /** Quota throttling the brokers asked for: total ms and throttled responses. */
    public long[] throttleTimes() {
        return new long[] {throttleTimeMsTotal.get(), throttledResponses.get()};
    }

    private void handleFailure(CompletedFetch fetch) {
        LOG.debug("fetch from {} failed: {}", fetch.node(), fetch.failure().toString());
        metadata.requestUpdate();
        backoffUntilMs.put(fetch.node(), time.milliseconds() + settings.retryBackoffMs());
    }

    private void handlePartition(CompletedFetch fetch, FetchPartitionResultView result) {
        TopicPartition tp = new TopicPartition(result.getTopic(), result.getPartition());
        long[] asked = fetch.requested().get(tp);
        SubscriptionState.PartitionState state = subscriptions.state(tp);
        if (asked == null || state == null || state.epoch() != asked[1] || state.fetchOffset() != asked[0]) {
            return;
        }
        ErrorCode error = result.getError();
        if (error == ErrorCode.NONE) {
            lastFetchWarningMs.remove(tp);
            FetchedRecords records = new FetchedRecords(tp, state.epoch(), result.getBatchesList());
            long next = records.nextOffsetAfter();
            subscriptions.advanceFetchOffset(tp, next, result.getHighWatermark());
            if (next > asked[0]) {
                records.hold(fetch.response().lease());
                buffered.computeIfAbsent(tp, p -> new ArrayDeque<>()).addLast(records);
            }
        } else if (error == ErrorCode.OFFSET_OUT_OF_RANGE) {
            handleOutOfRange(tp, asked[0], result);
        } else if (Errors.isRetriable(error)) {
            warnIfRepeated(tp, error, result.getErrorMessage());
            metadata.requestUpdate();
        } else {
            pendingError = Errors.toException(error, result.getErrorMessage().isEmpty()
                    ? Errors.describe(error) + " fetching " + tp : result.getErrorMessage());
        }
    }

    /**
     * Retriable fetch errors are retried quietly, but one that keeps coming (a leader whose store is damaged, a
     * partition with no leader) is logged, at most every {@link #WARN_INTERVAL_MS} per partition, so that a consumer
     * that reads nothing says why.
     */
    private void warnIfRepeated(TopicPartition tp, ErrorCode error, String message) {
        long nowMs = time.milliseconds();
        Long last = lastFetchWarningMs.get(tp);
        if (last == null) {
            lastFetchWarningMs.put(tp, nowMs);  // the first one is usually a moving leader: only note the time
        } else if (nowMs - last >= WARN_INTERVAL_MS) {
            LOG.warn("fetching {} keeps failing with {}: {}; retrying", tp, error, message);
            lastFetchWarningMs.put(tp, nowMs);
        }
    }

    private void handleOutOfRange(TopicPartition tp, long offset, FetchPartitionResultView result) {
        buffered.remove(tp);
        String reset = settings.autoOffsetReset();
        if (reset.equals("none")) {
            subscriptions.requestReset(tp, SubscriptionState.ResetStrategy.NONE);
            pendingError = new OffsetOutOfRangeException("offset " + offset + " of " + tp
                    + " is out of range (log start " + result.getLogStartOffset() + ", high watermark "
                    + result.getHighWatermark() + ") and auto.offset.reset is none");
        } else {
            LOG.info("offset {} of {} is out of range; resetting to {}", offset, tp, reset);
            subscriptions.requestReset(tp, reset.equals("earliest") ? SubscriptionState.ResetStrategy.EARLIEST
                    : SubscriptionState.ResetStrategy.LATEST);
        }
    }

    /** Throws (once) the last fatal fetch error. */
    public void throwPendingError() {
        RuntimeException error = pendingError;
        if (error != null) {
            pendingError = null;
            throw error;
        }
    }

    /** Takes up to max.poll.records buffered records at the consumer positions, advancing the positions. */
    public ConsumerRecords<K, V> collect() {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        int remaining = settings.maxPollRecords();
        List<TopicPartition> rotated = new ArrayList<>();
        Iterator<Map.Entry<TopicPartition, Deque<FetchedRecords>>> it = buffered.entrySet().iterator();
        while (it.hasNext() && remaining > 0) {
            Map.Entry<TopicPartition, Deque<FetchedRecords>> entry = it.next();
            TopicPartition tp = entry.getKey();
            SubscriptionState.PartitionState state = subscriptions.state(tp);
            Deque<FetchedRecords> queue = entry.getValue();
            List<ConsumerRecord<K, V>> records = new ArrayList<>(Math.min(remaining, 1024));
            while (state != null && state.hasPosition() && !queue.isEmpty() && remaining > 0) {
                FetchedRecords head = queue.peekFirst();
                if (head.epoch() != state.epoch()) {
                    queue.pollFirst();
                    continue;
                }
                int before = records.size();
                long next = head.drainTo(records, remaining, state.position(), keyDeserializer, valueDeserializer);
                remaining -= records.size() - before;
                subscriptions.advancePosition(tp, next);
                if (head.isExhausted()) {
                    queue.pollFirst().release();  // no slice of the response is read any more
                }
            }
            if (state == null || queue.isEmpty()) {
                it.remove();
            } else {
                rotated.add(tp);
            }
            if (!records.isEmpty()) {
                out.put(tp, records);
            }
        }
        for (TopicPartition tp : rotated) {
            buffered.put(tp, buffered.remove(tp));
        }
        return out.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(out);
    }

    private int bufferedCount(TopicPartition tp) {
        Deque<FetchedRecords> queue = buffered.get(tp);
        return queue == null ? 0 : queue.size();
    }

    /** Cancels the fetch streams, so that a fetch in flight does not hold up closing the connections. */
    public void close() {
        fetchStreams.cancel("the consumer is closing");
    }

    /** Drops buffered data of partitions no longer assigned. */
    public void retainAssigned() {
        buffered.keySet().removeIf(tp -> !subscriptions.isAssigned(tp));
    }
}
