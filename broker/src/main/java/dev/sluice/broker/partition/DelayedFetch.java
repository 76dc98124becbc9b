package dev.sluice.broker.partition;

import dev.sluice.broker.log.HighWatermarkListener;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.proto.internal.v1.FetchResponseView;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A fetch waiting for {@code min_bytes} of data (Kafka's "delayed fetch"). It completes with a fresh read as
 * soon as one has at least {@code min_bytes} or an error, or with whatever is there when {@code max_wait_ms}
 * elapses.
 *
 * <p>Threads: high-watermark listeners fire on the threads that advance it. A re-read of batches still in memory
 * (the newest, see {@code PartitionLog#readsFromMemory}) runs right there, since it costs less than waking another
 * thread; one that would read the store goes to the injected re-read executor. Bursts of appends coalesce into one
 * pending re-read. The timeout runs on the injected scheduler. The
 * future completes at most once; completion (or cancellation by the caller) unregisters the listeners and cancels
 * the timer.
 */
final class DelayedFetch implements HighWatermarkListener {

    private final Supplier<FetchReader.Snapshot> reader;
    private final long minBytes;
    private final List<PartitionLog> watched;
    private final Executor rereads;
    private final BooleanSupplier readsStore;
    private final CompletableFuture<FetchResponseView> future = new CompletableFuture<>();
    private final AtomicBoolean rereadPending = new AtomicBoolean();

    private DelayedFetch(Supplier<FetchReader.Snapshot> reader, long minBytes, List<PartitionLog> watched,
                         Executor rereads, BooleanSupplier readsStore) {
        this.reader = reader;
        this.minBytes = minBytes;
        this.watched = List.copyOf(watched);
        this.rereads = rereads;
        this.readsStore = readsStore;
    }

    /**
     * Starts waiting on {@code watched}; returns the future of the response.
     *
     * @param scheduler runs the timeout
     * @param rereads runs the re-reads that would read RocksDB (threads that may block, not the advancing one)
     * @param hasNewData whether a read now would find committed data (checked once the listeners are registered:
     *     the high watermark may have moved since the caller's first read)
     * @param readsStore whether a read now would read the store rather than memory
     */
    static CompletableFuture<FetchResponseView> start(Supplier<FetchReader.Snapshot> reader, long minBytes,
                                                      List<PartitionLog> watched, long maxWaitMs,
                                                      ScheduledExecutorService scheduler, Executor rereads,
                                                      BooleanSupplier hasNewData, BooleanSupplier readsStore) {
        DelayedFetch fetch = new DelayedFetch(reader, minBytes, watched, rereads, readsStore);
        fetch.watched.forEach(log -> log.addHighWatermarkListener(fetch));
        ScheduledFuture<?> timeout = scheduler.schedule(fetch::expire, maxWaitMs, TimeUnit.MILLISECONDS);
        fetch.future.whenComplete((response, error) -> {
            timeout.cancel(false);
            fetch.watched.forEach(log -> log.removeHighWatermarkListener(fetch));
        });
        // Data may have arrived between the caller's first read and the listener registration. Without it (the usual
        // case) there is nothing to re-read, and no thread hand-off.
        if (hasNewData.getAsBoolean()) {
            fetch.scheduleReread();
        }
        return fetch.future;
    }

    @Override
    public void onHighWatermarkAdvanced(PartitionLog log, long highWatermark) {
        scheduleReread();
    }

    private void scheduleReread() {
        if (!future.isDone() && rereadPending.compareAndSet(false, true)) {
            if (!readsStore.getAsBoolean()) {
                reread();
                return;
            }
            try {
                rereads.execute(this::reread);
            } catch (RejectedExecutionException e) {
                // The broker is shutting its pool down: answer with an error now rather than leave the consumer
                // waiting, and keep the exception off the appending thread.
                future.completeExceptionally(e);
            }
        }
    }

    private void reread() {
        // Cleared before reading, so an advance during the read triggers another one.
        rereadPending.set(false);
        if (future.isDone()) {
            return;
        }
        try {
            FetchReader.Snapshot snapshot = reader.get();
            if (snapshot.sizeBytes() >= minBytes || snapshot.hasError()) {
                future.complete(snapshot.response());
            }
        } catch (RuntimeException e) {
            // Never leave a client hanging: the transport turns this into an error status.
            future.completeExceptionally(e);
        }
    }

    private void expire() {
        if (future.isDone()) {
            return;
        }
        try {
            future.complete(reader.get().response());
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }
}
