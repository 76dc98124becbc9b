package dev.sluice.client.internal;

/**
 * The clock the client reads, injected so time-based logic (linger, timeouts, auto-commit) can be
 * tested with a fake clock. Implementations are thread-safe.
 */
public interface Time {
    /** The system clock. */
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time in epoch milliseconds (record timestamps, deadlines). */
    long milliseconds();

    /** Monotonic time in nanoseconds for measuring durations. */
    long nanoseconds();
}
