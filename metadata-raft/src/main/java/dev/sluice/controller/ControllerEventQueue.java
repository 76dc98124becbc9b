package dev.sluice.controller;

/**
 * Runs the controller shell's events one at a time, in order, on the one thread that owns the shell's state. Any
 * thread may append. Tests use a manual implementation that runs events when told, so they need no sleeps.
 */
public interface ControllerEventQueue extends AutoCloseable {
    /** Queues an event; throws {@link java.util.concurrent.RejectedExecutionException} once closed. */
    void append(Runnable event);

    /** Runs {@code event} every {@code periodMs} milliseconds on the queue's thread until closed. */
    void schedulePeriodic(Runnable event, long periodMs);

    /** Runs the events already queued, then stops; periodic events stop at once. */
    @Override
    void close();
}
