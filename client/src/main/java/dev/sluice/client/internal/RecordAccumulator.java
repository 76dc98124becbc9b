package dev.sluice.client.internal;

import dev.sluice.client.Callback;
import dev.sluice.client.Header;
import dev.sluice.client.TopicPartition;
import dev.sluice.wire.Wire;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-partition queues of {@link ProducerBatch}es. Application threads {@link #append} records (under
 * the partition's queue lock); the sender thread asks which brokers have {@link #ready} batches (full,
 * lingered {@code linger.ms}, flushing or closing) and {@link #drain}s them into requests. No clock
 * inside: every call takes {@code nowMs} (epoch milliseconds), so tests drive it with a fake clock.
 *
 * <p>In flight per partition: gRPC may run concurrent calls in any order, so without idempotence a partition
 * sends one batch at a time. With idempotence up to {@code maxInFlightPerPartition} (at most 5) go at once: the
 * leader's sequence check refuses a batch that overtook an earlier one, and the retry comes back here in
 * creation order ({@link #reenqueue}); a retried batch waits until nothing of its partition is in flight, so
 * retries go out one by one, in order. {@link ProducerIdempotence#maySend} also holds a partition back while it
 * moves to a new producer epoch, so no batch overtakes an older one across the move.
 */
public final class RecordAccumulator {
    private final int batchSizeBytes;
    private final long lingerMs;
    private final BufferPool pool;
    private final ConcurrentMap<TopicPartition, Deque<ProducerBatch>> queues = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private final AtomicLong nextCreationOrder = new AtomicLong();
    /** Batches in flight per partition (absent: none). Touched by the sender thread only. */
    private final ConcurrentMap<TopicPartition, Integer> inFlight = new ConcurrentHashMap<>();
    private final int maxInFlightPerPartition;
    private final dev.sluice.proto.v1.Codec codec;
    /** Null without idempotence. */
    private final ProducerIdempotence idempotence;
    private volatile boolean closing;

    /**
     * Outcome of an append.
     *
     * @param future the record's future, null when aborted for a new batch
     * @param batchFull the batch it went into is full (the sender should be woken)
     * @param newBatchCreated a new batch was started
     */
    public record AppendResult(RecordFuture future, boolean batchFull, boolean newBatchCreated) {
        static final AppendResult ABORTED = new AppendResult(null, false, false);

        public boolean aborted() {
            return future == null;
        }
    }

    /**
     * Outcome of a readiness check.
     *
     * @param readyNodes leader addresses with at least one sendable batch
     * @param nextReadyCheckDelayMs when to check again if nothing changes
     * @param unknownLeaderTopics topics with batches but no known leader
     */
    public record ReadyResult(Set<String> readyNodes, long nextReadyCheckDelayMs, Set<String> unknownLeaderTopics) {
    }

    public RecordAccumulator(int batchSizeBytes, long lingerMs, BufferPool pool) {
        this(batchSizeBytes, lingerMs, pool, dev.sluice.proto.v1.Codec.CODEC_NONE, null, 1);
    }

    /**
     * @param codec compression of the batches
     * @param idempotence sequence numbering, or null without idempotence
     * @param maxInFlightPerPartition batches of one partition sent and not yet answered (1 without idempotence)
     */
    public RecordAccumulator(int batchSizeBytes, long lingerMs, BufferPool pool, dev.sluice.proto.v1.Codec codec,
                             ProducerIdempotence idempotence, int maxInFlightPerPartition) {
        this.batchSizeBytes = batchSizeBytes;
        this.lingerMs = lingerMs;
        this.pool = pool;
        this.codec = codec;
        this.idempotence = idempotence;
        this.maxInFlightPerPartition = idempotence == null ? 1 : Math.max(1, maxInFlightPerPartition);
    }

    /** Whether the partition may send its head batch now. */
    private boolean sendable(TopicPartition partition, ProducerBatch head) {
        int sending = inFlight.getOrDefault(partition, 0);
        if (head.attempts() > 0 ? sending != 0 : sending >= maxInFlightPerPartition) {
            return false;
        }
        return idempotence == null || idempotence.maySend(partition, head, sending);
    }

    /**
     * Appends a record to the partition's open batch, starting a new one when it does not fit.
     *
     * @param abortOnNewBatch return {@link AppendResult#ABORTED} instead of starting a new batch (so the
     *     sticky partitioner can move first)
     * @param maxBlockMs longest wait for buffer memory
     */
    public AppendResult append(TopicPartition partition, long timestampMs, byte[] key, byte[] value,
                               List<Header> headers, Callback callback, long nowMs, boolean abortOnNewBatch,
                               long maxBlockMs) throws InterruptedException {
        Deque<ProducerBatch> queue = queues.computeIfAbsent(partition, p -> new ArrayDeque<>());
        synchronized (queue) {
            AppendResult result = tryAppend(queue, timestampMs, key, value, headers, callback);
            if (result != null) {
                return result;
            }
        }
        if (abortOnNewBatch) {
            return AppendResult.ABORTED;
        }
        int needed = ProducerBatch.recordSize(0, key, value, headers) + Wire.varint64Size(Long.MIN_VALUE);
        byte[] buffer = pool.allocate(Math.max(batchSizeBytes, needed), maxBlockMs);
        synchronized (queue) {
            AppendResult result = tryAppend(queue, timestampMs, key, value, headers, callback);
            if (result != null) {
                pool.deallocate(buffer);
                return result;
            }
            ProducerBatch batch = new ProducerBatch(partition, buffer, batchSizeBytes, nowMs, codec);
            batch.setCreationOrder(nextCreationOrder.getAndIncrement());
            RecordFuture future = batch.tryAppend(timestampMs, key, value, headers, callback);
            if (future == null) {
                pool.deallocate(buffer);
                throw new IllegalStateException("record does not fit a batch sized for it");
            }
            queue.addLast(batch);
            incomplete.add(batch);
            return new AppendResult(future, queue.size() > 1 || batch.isFull(), true);
        }
    }

    private static AppendResult tryAppend(Deque<ProducerBatch> queue, long timestampMs, byte[] key, byte[] value,
                                          List<Header> headers, Callback callback) {
        ProducerBatch last = queue.peekLast();
        if (last == null) {
            return null;
        }
        RecordFuture future = last.tryAppend(timestampMs, key, value, headers, callback);
        return future == null ? null : new AppendResult(future, queue.size() > 1 || last.isFull(), false);
    }

    /** Which leaders have sendable batches, given the metadata snapshot. */
    public ReadyResult ready(Cluster cluster, long nowMs) {
        Set<String> readyNodes = new HashSet<>();
        Set<String> unknownLeaderTopics = new HashSet<>();
        long nextDelayMs = Long.MAX_VALUE;
        boolean sendNow = closing || flushesInProgress.get() > 0;
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : queues.entrySet()) {
            Deque<ProducerBatch> queue = entry.getValue();
            ProducerBatch first;
            boolean full;
            synchronized (queue) {
                first = queue.peekFirst();
                full = queue.size() > 1 || first != null && first.isFull();
            }
            if (first == null || !sendable(entry.getKey(), first)) {
                continue;
            }
            String leader = cluster.leaderAddress(entry.getKey());
            if (leader == null) {
                unknownLeaderTopics.add(entry.getKey().topic());
                continue;
            }
            boolean backingOff = first.attempts() > 0 && nowMs < first.retryAfterMs();
            long readyAtMs = backingOff ? first.retryAfterMs() : first.createdMs() + lingerMs;
            if (!backingOff && (full || sendNow || nowMs >= readyAtMs)) {
                readyNodes.add(leader);
            } else {
                nextDelayMs = Math.min(nextDelayMs, Math.max(readyAtMs - nowMs, 0));
            }
        }
        return new ReadyResult(readyNodes, nextDelayMs, unknownLeaderTopics);
    }

    /**
     * Takes, for each ready leader, the first batch of each of its partitions (closing them) until a
     * request would exceed {@code maxRequestBytes} (one batch always goes).
     */
    public Map<String, List<ProducerBatch>> drain(Cluster cluster, Set<String> nodes, int maxRequestBytes,
                                                  long nowMs) {
        Map<String, List<ProducerBatch>> drained = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : queues.entrySet()) {
            String leader = cluster.leaderAddress(entry.getKey());
            if (leader == null || !nodes.contains(leader)) {
                continue;
            }
            Deque<ProducerBatch> queue = entry.getValue();
            synchronized (queue) {
                ProducerBatch first = queue.peekFirst();
                if (first == null || first.attempts() > 0 && nowMs < first.retryAfterMs()
                        || !sendable(entry.getKey(), first)) {
                    continue;
                }
                int size = sizes.getOrDefault(leader, 0);
                List<ProducerBatch> list = drained.computeIfAbsent(leader, l -> new ArrayList<>());
                if (!list.isEmpty() && size + first.estimatedRequestBytes() > maxRequestBytes) {
                    continue;
                }
                queue.pollFirst();
                first.close();
                if (idempotence != null) {
                    idempotence.assignSequence(first);
                }
                inFlight.merge(entry.getKey(), 1, Integer::sum);
                list.add(first);
                sizes.put(leader, size + first.estimatedRequestBytes());
            }
        }
        drained.values().removeIf(List::isEmpty);
        return drained;
    }

    /** Counts an in-flight batch of the partition as answered (success, retry or failure). */
    public void unmute(TopicPartition partition) {
        inFlight.computeIfPresent(partition, (p, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Puts a batch that failed retriably back near the head of its queue, held back until its retry time: after
     * the queued batches created before it, so the queue stays in creation order and batches are resent (or
     * renumbered, after an epoch bump) in the order they were first sent. Creation order decides rather than the
     * sequence because the queue may hold batches of two numberings while a partition is renumbered.
     */
    public void reenqueue(ProducerBatch batch) {
        Deque<ProducerBatch> queue = queues.computeIfAbsent(batch.partition(), p -> new ArrayDeque<>());
        synchronized (queue) {
            Deque<ProducerBatch> before = new ArrayDeque<>();
            while (!queue.isEmpty() && precedes(queue.peekFirst(), batch)) {
                before.addLast(queue.pollFirst());
            }
            queue.addFirst(batch);
            while (!before.isEmpty()) {
                queue.addFirst(before.pollLast());
            }
        }
    }

    private static boolean precedes(ProducerBatch queued, ProducerBatch batch) {
        return queued.creationOrder() < batch.creationOrder();
    }

    /**
     * Removes and returns queued batches older than {@code deliveryTimeoutMs}. A queue is in creation order
     * (appends go to the tail; a retried batch goes back before every batch created after it), so the scan of
     * each queue stops at its first batch that has not expired. The sender calls this every round, and a queue
     * can hold thousands of batches (buffer.memory / batch.size) while its partition waits for an answer, so a
     * full scan each round cost the producer's I/O thread most of its time.
     */
    public List<ProducerBatch> expiredBatches(long deliveryTimeoutMs, long nowMs) {
        List<ProducerBatch> expired = List.of();
        for (Deque<ProducerBatch> queue : queues.values()) {
            synchronized (queue) {
                ProducerBatch head;
                while ((head = queue.peekFirst()) != null && nowMs - head.createdMs() >= deliveryTimeoutMs) {
                    queue.pollFirst();
                    head.close();
                    if (expired.isEmpty()) {
                        expired = new ArrayList<>();
                    }
                    expired.add(head);
                }
            }
        }
        return expired;
    }

    /** Removes every queued batch (for a forced close). */
    public List<ProducerBatch> drainAll() {
        List<ProducerBatch> all = new ArrayList<>();
        for (Deque<ProducerBatch> queue : queues.values()) {
            synchronized (queue) {
                all.addAll(queue);
                queue.clear();
            }
        }
        return all;
    }

    /** Returns a finished batch's buffer to the pool and forgets it. */
    public void deallocate(ProducerBatch batch) {
        incomplete.remove(batch);
        byte[] buffer = batch.releaseBuffer();
        if (buffer != null) {
            pool.deallocate(buffer);
        }
    }

    public boolean hasUndrained() {
        for (Deque<ProducerBatch> queue : queues.values()) {
            synchronized (queue) {
                if (!queue.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Batches created and not yet deallocated (queued or in flight). */
    public List<ProducerBatch> incompleteBatches() {
        return new ArrayList<>(incomplete);
    }

    /** Makes every batch ready regardless of linger until {@link #endFlush()}. */
    public void beginFlush() {
        flushesInProgress.incrementAndGet();
    }

    public void endFlush() {
        flushesInProgress.decrementAndGet();
    }

    /** From now on every batch is ready at once. */
    public void beginClose() {
        closing = true;
    }
}
