package dev.sluice.broker.testing;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real scheduler that counts the tasks handed to {@link #execute}, not the scheduled ones (the waits' deadlines):
 * how often a path hands work to the scheduler rather than to a pool.
 */
public final class CountingScheduler extends ScheduledThreadPoolExecutor {
    private final AtomicInteger executed = new AtomicInteger();

    public CountingScheduler(int threads) {
        super(threads);
    }

    @Override
    public void execute(Runnable task) {
        executed.incrementAndGet();
        super.execute(task);
    }

    /** Tasks handed to {@link #execute} so far. */
    public AtomicInteger executed() {
        return executed;
    }
}
