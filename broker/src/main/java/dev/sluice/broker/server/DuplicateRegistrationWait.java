package dev.sluice.broker.server;

import java.util.concurrent.TimeUnit;

/**
 * How long a broker keeps registering while the controller answers {@code DUPLICATE_BROKER_REGISTRATION} (another
 * incarnation of its id has a live session) before it gives up. Pure: times are {@code nanoTime} readings passed in.
 * Lifecycle thread only.
 *
 * <p>The refusal is right for a second process started with a live broker's id, which must stop. But a broker that
 * restarts on a new (wiped) data directory after a kill is refused too, until its old process's session expires: at
 * most one session timeout after that process's last heartbeat, which came before this process's first refusal. A
 * controller fail-over in between gives every unfenced broker a fresh session, once more. So the refusals of a dead
 * predecessor end within two session timeouts of the first one; refusals that last longer come from a live process.
 */
final class DuplicateRegistrationWait {
    private final long limitNanos;
    private long firstRefusalNanos;
    private boolean refused;

    /** @param sessionTimeoutMs {@code broker.session.timeout.ms}, which the controllers use too */
    DuplicateRegistrationWait(long sessionTimeoutMs) {
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(2 * sessionTimeoutMs);
    }

    /** A refusal at {@code nowNanos}; returns whether the broker should give up now. */
    boolean refusedAt(long nowNanos) {
        if (!refused) {
            refused = true;
            firstRefusalNanos = nowNanos;
        }
        return nowNanos - firstRefusalNanos > limitNanos;
    }

    /** Any other answer to a registration: the next refusal starts a new wait. */
    void reset() {
        refused = false;
    }

    /** Whether the last answer was a refusal (a wait is running). */
    boolean waiting() {
        return refused;
    }

    /** Milliseconds since the first refusal of the current run of them, 0 when there is none. */
    long refusedForMs(long nowNanos) {
        return refused ? TimeUnit.NANOSECONDS.toMillis(nowNanos - firstRefusalNanos) : 0;
    }

    long limitMs() {
        return TimeUnit.NANOSECONDS.toMillis(limitNanos);
    }
}
