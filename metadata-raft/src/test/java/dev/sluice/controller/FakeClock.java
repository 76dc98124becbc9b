package dev.sluice.controller;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when told. */
final class FakeClock implements InstantSource {
    private long nowMs;

    FakeClock(long nowMs) {
        this.nowMs = nowMs;
    }

    void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs);
    }

    @Override
    public long millis() {
        return nowMs;
    }
}
