package dev.sluice.broker.testing;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real thread pool that counts the tasks handed to it: how often a path leaves the thread it arrived on. */
public final class CountingExecutor implements Executor {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger tasks = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
        tasks.incrementAndGet();
        pool.execute(task);
    }

    /** Tasks handed to {@link #execute} so far. */
    public AtomicInteger tasks() {
        return tasks;
    }

    public void shutdownNow() {
        pool.shutdownNow();
    }
}
