package dev.sluice.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The tests' one clock: it moves only when a test calls {@link #advanceMs}. {@link #followingSystemTime()} gives
 * the variant for tests that also wait for real threads: real time plus what the test advanced, so a deadline can
 * pass at once while real waits still work. Thread-safe (tests read it from the threads under test).
 */
public final class FakeClock extends Clock {
    private final boolean followsSystemTime;
    private volatile long advancedMs;

    /** A clock standing still at {@code nowMs} (epoch milliseconds) until advanced. */
    public FakeClock(long nowMs) {
        this(false, nowMs);
    }

    private FakeClock(boolean followsSystemTime, long startMs) {
        this.followsSystemTime = followsSystemTime;
        this.advancedMs = startMs;
    }

    /** The system clock plus whatever the test advances it by. */
    public static FakeClock followingSystemTime() {
        return new FakeClock(true, 0);
    }

    /** Moves the clock forward (or back, for a negative delta: a clock jump). */
    public synchronized void advanceMs(long deltaMs) {
        advancedMs += deltaMs;
    }

    @Override
    public long millis() {
        return followsSystemTime ? System.currentTimeMillis() + advancedMs : advancedMs;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
