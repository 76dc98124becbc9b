package dev.sluice.client.internal;

/** A manually advanced clock for unit tests. */
public final class FakeTime implements Time {
    private long nowMs;

    public FakeTime(long startMs) {
        this.nowMs = startMs;
    }

    public void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000;
    }
}
