package dev.sluice.broker.replication;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Real time plus an offset the test moves forward, so lag deadlines pass at once while real waits still work. */
final class ShiftableClock extends Clock {

    private volatile long shiftMs;

    void shiftMs(long deltaMs) {
        shiftMs += deltaMs;
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + shiftMs;
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
