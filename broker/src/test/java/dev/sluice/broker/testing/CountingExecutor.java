package dev.sluice.broker.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/** A real thread pool that counts the tasks handed to it: how often a path leaves the thread it arrived on. */
public final class CountingExecutor implements Executor {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger tasks = new AtomicInteger();
    private final Map<Thread, AtomicInteger> callsByThread = new ConcurrentHashMap<>();
    private volatile Thread refused;

    @Override
    public void execute(Runnable task) {
        tasks.incrementAndGet();
        callsByThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
        if (Thread.currentThread() == refused) {
            throw new RejectedExecutionException("refused for the test, as a pool shutting down refuses");
        }
        pool.execute(task);
    }

    /** Refuses, from now on, every task {@code thread} hands over; other threads' tasks still run. */
    public void refuseTasksFrom(Thread thread) {
        refused = thread;
    }

    /** How many tasks {@code thread} has handed to {@link #execute} (accepted or refused). */
    public int callsFrom(Thread thread) {
        AtomicInteger calls = callsByThread.get(thread);
        return calls == null ? 0 : calls.get();
    }

    /** Tasks handed to {@link #execute} so far. */
    public AtomicInteger tasks() {
        return tasks;
    }

    public void shutdownNow() {
        pool.shutdownNow();
    }
}
