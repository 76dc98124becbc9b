package dev.sluice.broker.replication;

import dev.sluice.broker.log.HighWatermarkListener;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code acks=all} wait of the produce path: a future per appended batch that completes with {@code NONE} once
 * the partition's high watermark reaches the batch's next offset, with {@code REQUEST_TIMED_OUT} after the
 * request's timeout, or with {@code NOT_LEADER} when this broker stops leading the partition ({@link #abort}).
 *
 * <p>Threads: any. One high-watermark listener per partition completes the waiters it covers, on the thread that
 * advanced the high watermark (so callbacks attached to the futures must be quick); timeouts run on the injected
 * scheduler.
 */
public final class AcksAllWaiter {

    private final ScheduledExecutorService scheduler;
    private final Map<PartitionKey, PartitionWaiters> waiters = new ConcurrentHashMap<>();

    public AcksAllWaiter(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * @param requiredHighWatermark the appended batch's next offset ({@code AppendResult.nextOffset()})
     * @param timeoutMs the produce request's timeout
     */
    public CompletableFuture<ErrorCode> await(PartitionLog log, long requiredHighWatermark, long timeoutMs) {
        PartitionWaiters partition = waiters.computeIfAbsent(log.key(), key -> {
            PartitionWaiters created = new PartitionWaiters(log);
            log.addHighWatermarkListener(created);
            return created;
        });
        CompletableFuture<ErrorCode> future = new CompletableFuture<>();
        partition.add(requiredHighWatermark, future);
        // The high watermark may have passed the offset before the waiter was registered.
        partition.onHighWatermarkAdvanced(log, log.highWatermark());
        if (!future.isDone()) {
            var timeout = scheduler.schedule(() -> {
                partition.remove(future);
                future.complete(ErrorCode.REQUEST_TIMED_OUT);
            }, timeoutMs, TimeUnit.MILLISECONDS);
            future.whenComplete((code, error) -> timeout.cancel(false));
        }
        return future;
    }

    /**
     * Completes every waiter of {@code key} with {@code error} ({@code NOT_LEADER} on losing leadership) and stops
     * listening to its log.
     */
    public void abort(PartitionKey key, ErrorCode error) {
        PartitionWaiters partition = waiters.remove(key);
        if (partition != null) {
            partition.log.removeHighWatermarkListener(partition);
            partition.drainAll().forEach(future -> future.complete(error));
        }
    }

    /** How many waiters {@code key} has, for tests and metrics. */
    public int waiting(PartitionKey key) {
        PartitionWaiters partition = waiters.get(key);
        return partition == null ? 0 : partition.size();
    }

    private record Waiter(long requiredHighWatermark, CompletableFuture<ErrorCode> future) { }

    /** One partition's waiters, smallest required offset first; guarded by its own monitor. */
    private static final class PartitionWaiters implements HighWatermarkListener {
        private final PartitionLog log;
        private final PriorityQueue<Waiter> queue =
                new PriorityQueue<>((a, b) -> Long.compare(a.requiredHighWatermark(), b.requiredHighWatermark()));

        PartitionWaiters(PartitionLog log) {
            this.log = log;
        }

        synchronized void add(long requiredHighWatermark, CompletableFuture<ErrorCode> future) {
            queue.add(new Waiter(requiredHighWatermark, future));
        }

        synchronized void remove(CompletableFuture<ErrorCode> future) {
            queue.removeIf(waiter -> waiter.future() == future);
        }

        synchronized int size() {
            return queue.size();
        }

        synchronized List<CompletableFuture<ErrorCode>> drainAll() {
            List<CompletableFuture<ErrorCode>> drained = new ArrayList<>();
            queue.forEach(waiter -> drained.add(waiter.future()));
            queue.clear();
            return drained;
        }

        @Override
        public void onHighWatermarkAdvanced(PartitionLog log, long highWatermark) {
            List<CompletableFuture<ErrorCode>> covered = new ArrayList<>();
            synchronized (this) {
                while (!queue.isEmpty() && queue.peek().requiredHighWatermark() <= highWatermark) {
                    covered.add(queue.poll().future());
                }
            }
            // Completed outside the monitor: callbacks may produce responses.
            covered.forEach(future -> future.complete(ErrorCode.NONE));
        }
    }
}
