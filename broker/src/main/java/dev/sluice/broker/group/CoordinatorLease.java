package dev.sluice.broker.group;

import java.util.function.LongSupplier;

/**
 * Whether this broker may still act as a group coordinator: only while the controller accepted one of its heartbeats
 * sent less than {@code leaseMs} ago. A broker cut off from the controller keeps its old metadata image and would
 * otherwise go on answering heartbeats for groups whose offsets partition has moved to another broker, handing out
 * a second, conflicting assignment (two members processing one partition, found by the chaos groups checker). The
 * controller fences a silent broker only {@code broker.session.timeout.ms} after the last heartbeat it received,
 * which is later than that heartbeat's send time, so a lease shorter than the session timeout ends before the
 * controller can move the offsets partitions elsewhere (both sides measure with monotonic clocks).
 *
 * <p>Thread-safe: the lifecycle thread records acknowledged heartbeats, RPC threads ask {@link #isValid()}. Times in
 * nanoseconds of the injected monotonic clock.
 */
public final class CoordinatorLease {
    /** A lease that never expires: a single node, or tests. */
    public static final CoordinatorLease ALWAYS = new CoordinatorLease(() -> 0, Long.MAX_VALUE);

    private final LongSupplier nanoClock;
    private final long leaseNanos;
    private long lastAcknowledgedSendNanos;
    private boolean acknowledged;
    private boolean revoked;

    public CoordinatorLease(LongSupplier nanoClock, long leaseMs) {
        this.nanoClock = nanoClock;
        this.leaseNanos = leaseMs == Long.MAX_VALUE ? Long.MAX_VALUE : leaseMs * 1_000_000L;
    }

    /** The time to pass to {@link #acknowledged} if the heartbeat about to be sent is accepted. */
    public long now() {
        return nanoClock.getAsLong();
    }

    /** The controller accepted a heartbeat sent at {@code sendNanos} (from {@link #now()} before sending). */
    public synchronized void acknowledged(long sendNanos) {
        if (!acknowledged || sendNanos - lastAcknowledgedSendNanos > 0) {
            lastAcknowledgedSendNanos = sendNanos;
            acknowledged = true;
        }
    }

    /**
     * Ends the lease for good: the broker is shutting down. Called before a controlled shutdown asks the controller
     * to move its leaderships away, so that the new leaders need not wait out this lease
     * (see {@link CoordinatorHandoffs}).
     */
    public synchronized void revoke() {
        revoked = true;
    }

    public synchronized boolean isValid() {
        if (revoked) {
            return false;
        }
        if (leaseNanos == Long.MAX_VALUE) {
            return true;
        }
        return acknowledged && nanoClock.getAsLong() - lastAcknowledgedSendNanos < leaseNanos;
    }
}
