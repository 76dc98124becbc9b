package dev.sluice.controller;

import dev.sluice.fault.FaultHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ControllerEventQueue} on one dedicated daemon thread. This is the shell's driver loop: an event that throws
 * is reported to the {@link FaultHandler} (the only place that catches {@link Throwable}) and the loop goes on.
 */
public final class ThreadEventQueue implements ControllerEventQueue {
    private static final Logger log = LoggerFactory.getLogger(ThreadEventQueue.class);
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final ScheduledExecutorService executor;
    private final FaultHandler faultHandler;

    public ThreadEventQueue(String threadName, FaultHandler faultHandler) {
        this.faultHandler = faultHandler;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        pool.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.executor = pool;
    }

    @Override
    public void append(Runnable event) {
        executor.execute(() -> runGuarded(event));
    }

    @Override
    public void schedulePeriodic(Runnable event, long periodMs) {
        executor.scheduleWithFixedDelay(() -> runGuarded(event), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void runGuarded(Runnable event) {
        try {
            event.run();
        } catch (Throwable t) {
            log.error("Controller event failed", t);
            faultHandler.handleFault("controller event failed", t);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
