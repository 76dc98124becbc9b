package dev.sluice.broker.rpc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Futures that complete once this broker's metadata image has applied a given offset: the waiting half of the admin
 * read barrier. Each future completes with {@code true} when the image reaches the offset, or {@code false} once its
 * deadline passed first ({@link #expireOverdue()} checks deadlines; the shell calls it periodically).
 *
 * <p>Invariants: the applied offset never goes back; a future completes once, outside the lock, so a caller's
 * dependent stage never runs under it. Times are milliseconds from the injected clock. Thread-safe: the metadata
 * publisher calls {@link #handleApplied}, request threads {@link #await}, a timer {@link #expireOverdue}.
 */
public final class AppliedOffsetWaiters {
    private record Waiter(long offset, long deadlineMs, CompletableFuture<Boolean> future) {
    }

    private final LongSupplier clockMs;
    private final PriorityQueue<Waiter> byOffset =
            new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset()));
    private long appliedOffset;

    public AppliedOffsetWaiters(LongSupplier clockMs, long appliedOffset) {
        this.clockMs = clockMs;
        this.appliedOffset = appliedOffset;
    }

    /** Completes with {@code true} once the image has applied {@code offset}, {@code false} after the timeout. */
    public CompletableFuture<Boolean> await(long offset, long timeoutMs) {
        CompletableFuture<Boolean> future = new CompletableFuture<>();
        synchronized (this) {
            if (offset > appliedOffset) {
                byOffset.add(new Waiter(offset, clockMs.getAsLong() + timeoutMs, future));
                return future;
            }
        }
        future.complete(true);
        return future;
    }

    /** The image now covers {@code offset}: completes every waiter at or below it. */
    public void handleApplied(long offset) {
        List<Waiter> done = new ArrayList<>();
        synchronized (this) {
            if (offset <= appliedOffset) {
                return;  // A snapshot at the same offset, or a publisher registered late: nothing new.
            }
            appliedOffset = offset;
            while (!byOffset.isEmpty() && byOffset.peek().offset() <= offset) {
                done.add(byOffset.poll());
            }
        }
        done.forEach(waiter -> waiter.future().complete(true));
    }

    /** Completes with {@code false} every waiter whose deadline has passed. */
    public void expireOverdue() {
        long nowMs = clockMs.getAsLong();
        List<Waiter> overdue = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Waiter> it = byOffset.iterator(); it.hasNext(); ) {
                Waiter waiter = it.next();
                if (waiter.deadlineMs() <= nowMs) {
                    it.remove();
                    overdue.add(waiter);
                }
            }
        }
        overdue.forEach(waiter -> waiter.future().complete(false));
    }

    public synchronized long appliedOffset() {
        return appliedOffset;
    }

    synchronized int waitingCount() {
        return byOffset.size();
    }
}
