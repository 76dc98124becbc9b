package dev.sluice.security;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the test advances it. Thread-safe. */
final class MutableClock extends Clock {
    private volatile long nowMs;

    MutableClock(long nowMs) {
        this.nowMs = nowMs;
    }

    synchronized void advanceMs(long deltaMs) {
        nowMs += deltaMs;
    }

    @Override
    public long millis() {
        return nowMs;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs);
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
