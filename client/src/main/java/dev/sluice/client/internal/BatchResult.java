package dev.sluice.client.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of one produce batch, shared by the futures of all its records so a send does not
 * allocate a future per record beyond a tiny view. Written once by the sender thread, read by any.
 */
public final class BatchResult {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long baseOffset = -1;
    private volatile long logAppendTimeMs = -1;
    private volatile RuntimeException error;

    /** Records success, without releasing waiters yet ({@link #done()}); {@code baseOffset} is -1 for acks=0. */
    public void set(long baseOffset, long logAppendTimeMs) {
        this.baseOffset = baseOffset;
        this.logAppendTimeMs = logAppendTimeMs;
    }

    /** Records failure, without releasing waiters yet. */
    public void setError(RuntimeException error) {
        this.error = error;
    }

    /** Releases waiters; called after the callbacks ran, so flush() returns only after every callback. */
    public void done() {
        done.countDown();
    }

    /** Fails and releases waiters at once. */
    public void fail(RuntimeException error) {
        setError(error);
        done();
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    public void await() throws InterruptedException {
        done.await();
    }

    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** The broker's append time when the topic uses log-append time, else -1 (or 0). */
    public long logAppendTimeMs() {
        return logAppendTimeMs;
    }

    /** The failure, or null on success or while pending. */
    public RuntimeException error() {
        return error;
    }
}
