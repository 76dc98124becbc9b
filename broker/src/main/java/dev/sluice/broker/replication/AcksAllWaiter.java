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
 * <p>A wait belongs to the leadership (leader epoch) the batch was appended under, opened by {@link #lead} and ended
 * by {@link #abort}. A wait that arrives when that leadership is over is refused with {@code NOT_LEADER} at once:
 * the produce path appends and then waits without holding a lock against leadership changes, and a late wait
 * attached to the demoted broker's log would otherwise complete on its follower high watermark, which passes the
 * offset once the new leader has written something else there (chaos seed 30003: two acknowledged sends lost).
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
     * Opens the waits of {@code log}'s partition for leadership at {@code leaderEpoch}; a previous leadership's
     * waiters, if any are left, complete with {@code NOT_LEADER}.
     */
    public void lead(PartitionLog log, int leaderEpoch) {
        PartitionWaiters opened = new PartitionWaiters(log, leaderEpoch);
        PartitionWaiters previous = waiters.put(log.key(), opened);
        if (previous != null) {
            previous.close().forEach(future -> future.complete(ErrorCode.NOT_LEADER));
        }
        log.addHighWatermarkListener(opened);
    }

    /**
     * @param leaderEpoch the leader epoch the batch was appended at: unless this broker still leads at it (since
     *     {@link #lead}), the wait completes with {@code NOT_LEADER} at once
     * @param requiredHighWatermark the appended batch's next offset ({@code AppendResult.nextOffset()})
     * @param timeoutMs the produce request's timeout
     */
    public CompletableFuture<ErrorCode> await(PartitionLog log, int leaderEpoch, long requiredHighWatermark,
                                              long timeoutMs) {
        CompletableFuture<ErrorCode> future = new CompletableFuture<>();
        PartitionWaiters partition = waiters.get(log.key());
        if (partition == null || partition.leaderEpoch != leaderEpoch
                || !partition.add(requiredHighWatermark, future)) {
            future.complete(ErrorCode.NOT_LEADER);
            return future;
        }
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
     * Completes every waiter of {@code key} with {@code error} ({@code NOT_LEADER} on losing leadership), stops
     * listening to its log, and refuses later waits until the next {@link #lead}.
     */
    public void abort(PartitionKey key, ErrorCode error) {
        PartitionWaiters partition = waiters.remove(key);
        if (partition != null) {
            partition.close().forEach(future -> future.complete(error));
        }
    }

    /** How many waiters {@code key} has, for tests and metrics. */
    public int waiting(PartitionKey key) {
        PartitionWaiters partition = waiters.get(key);
        return partition == null ? 0 : partition.size();
    }

    private record Waiter(long requiredHighWatermark, CompletableFuture<ErrorCode> future) { }

    /** One leadership's waiters, smallest required offset first; guarded by its own monitor. */
    private static final class PartitionWaiters implements HighWatermarkListener {
        private final PartitionLog log;
        private final int leaderEpoch;
        private final PriorityQueue<Waiter> queue =
                new PriorityQueue<>((a, b) -> Long.compare(a.requiredHighWatermark(), b.requiredHighWatermark()));
        private boolean closed;

        PartitionWaiters(PartitionLog log, int leaderEpoch) {
            this.log = log;
            this.leaderEpoch = leaderEpoch;
        }

        /** False once closed: an {@link #await} that looked this up may race with {@link #abort}. */
        synchronized boolean add(long requiredHighWatermark, CompletableFuture<ErrorCode> future) {
            if (closed) {
                return false;
            }
            queue.add(new Waiter(requiredHighWatermark, future));
            return true;
        }

        synchronized void remove(CompletableFuture<ErrorCode> future) {
            queue.removeIf(waiter -> waiter.future() == future);
        }

        synchronized int size() {
            return queue.size();
        }

        /** Ends this leadership: stops listening and returns the waiters left, for the caller to complete. */
        List<CompletableFuture<ErrorCode>> close() {
            log.removeHighWatermarkListener(this);
            List<CompletableFuture<ErrorCode>> drained = new ArrayList<>();
            synchronized (this) {
                closed = true;
                queue.forEach(waiter -> drained.add(waiter.future()));
                queue.clear();
            }
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
