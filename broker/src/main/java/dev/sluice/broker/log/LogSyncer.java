package dev.sluice.broker.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the partition logs of one {@link LogStore}: {@link #sync} asks for an fsync of a partition's
 * appended data, and one thread serves every request that arrived since its last round with a single fsync of the
 * store's write-ahead log (shared by all partitions). Under load each fsync covers many batches of many partitions,
 * so a durable acknowledgement costs a fraction of an fsync, not one each.
 *
 * <p>Also the periodic pass behind {@code flush.ms} ({@link #syncOverdue}): a partition whose data has stayed
 * unsynced for its {@code flush.ms} gets a sync.
 *
 * <p>Threads: {@link #sync} from any thread; futures complete on the syncer's thread, so what callers chain on them
 * must be quick. {@link #syncOverdue} from one scheduler thread. Invariant: a future completes normally only after an
 * fsync that began after {@link #sync} was called finished, and after the partition's {@link SyncProgress} recorded
 * it. A failed fsync completes the round's futures exceptionally (and the store stops taking writes).
 *
 * <p>Each fsync's duration in nanoseconds goes to an {@code onSync} callback on the syncer's thread, failed ones
 * included, so that the shell can time them without this package knowing about meters.
 */
public final class LogSyncer implements PartitionSyncer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogSyncer.class);

    private final LogStore store;
    private final LongSupplier nanoTime;
    private final LongConsumer onSync;
    private final Object monitor = new Object();
    /** Guarded by {@link #monitor}: the partitions to sync in the next round, and who waits for it. */
    private Set<PartitionLog> pending = new LinkedHashSet<>();
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();
    /** Scheduler thread only: per partition, the synced end and the time the pass first saw data above it. */
    private final Map<PartitionKey, long[]> unsyncedSince = new HashMap<>();
    private final AtomicLong syncs = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public LogSyncer(LogStore store, String threadName, LongSupplier nanoTime) {
        this(store, threadName, nanoTime, nanos -> { });
    }

    /** @param onSync gets each fsync's duration in nanoseconds, on the syncer's thread; it must be quick */
    public LogSyncer(LogStore store, String threadName, LongSupplier nanoTime, LongConsumer onSync) {
        this.store = store;
        this.nanoTime = nanoTime;
        this.onSync = onSync;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues the partitions for the next round, together, so that one fsync serves them all. */
    @Override
    public CompletableFuture<Void> sync(Collection<PartitionLog> partitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (monitor) {
            if (!running) {
                done.completeExceptionally(new LogStorageException("the log store is closing", null));
                return done;
            }
            for (PartitionLog partition : partitions) {
                pending.add(partition);
            }
            waiters.add(done);
            monitor.notifyAll();
        }
        return done;
    }

    /**
     * The {@code flush.ms} pass: asks for a sync of every partition whose data has been unsynced for at least its
     * {@code flush.ms} (as seen by this pass, so within one pass interval of it).
     */
    public void syncOverdue(long nowMs) {
        for (PartitionLog partition : store.partitions()) {
            long flushMs = partition.flushPolicy().flushMs();
            if (flushMs == Long.MAX_VALUE || !partition.hasUnsyncedData()) {
                unsyncedSince.remove(partition.key());
                continue;
            }
            long syncedEnd = partition.syncedEndOffset();
            long[] seen = unsyncedSince.get(partition.key());
            if (seen == null || seen[0] != syncedEnd) {
                unsyncedSince.put(partition.key(), new long[] {syncedEnd, nowMs});
            } else if (nowMs - seen[1] >= flushMs) {
                unsyncedSince.remove(partition.key());
                sync(partition);
            }
        }
    }

    /** Number of fsyncs done. */
    public long syncCount() {
        return syncs.get();
    }

    private void run() {
        while (true) {
            Set<PartitionLog> round;
            List<CompletableFuture<Void>> roundWaiters;
            synchronized (monitor) {
                while (running && waiters.isEmpty()) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
                round = pending;
                roundWaiters = waiters;
                pending = new LinkedHashSet<>();
                waiters = new ArrayList<>();
                if (roundWaiters.isEmpty()) {
                    return;  // closed, nothing left to answer
                }
            }
            syncRound(round, roundWaiters);
        }
    }

    private void syncRound(Set<PartitionLog> round, List<CompletableFuture<Void>> roundWaiters) {
        Map<PartitionLog, SyncProgress.Capture> captures = new LinkedHashMap<>();
        round.forEach(partition -> captures.put(partition, partition.captureForSync()));
        RuntimeException failure = null;
        long startNanos = nanoTime.getAsLong();
        try {
            if (!store.syncWal()) {
                failure = new LogStorageException("the log store is closing", null);
            }
        } catch (RuntimeException e) {
            failure = e;  // the store reported it to the fault handler
        }
        long elapsedNanos = nanoTime.getAsLong() - startNanos;
        syncs.incrementAndGet();
        onSync.accept(elapsedNanos);
        if (failure == null) {
            captures.forEach(PartitionLog::markSynced);
        } else {
            log.debug("Sync round of {} partitions failed: {}", round.size(), failure.getMessage());
        }
        for (CompletableFuture<Void> waiter : roundWaiters) {
            if (failure == null) {
                waiter.complete(null);
            } else {
                waiter.completeExceptionally(failure);
            }
        }
    }

    /** Stops taking requests, serves those already queued, and waits for the thread. */
    @Override
    public void close() {
        synchronized (monitor) {
            running = false;
            monitor.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
