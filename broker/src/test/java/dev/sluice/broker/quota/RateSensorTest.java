package dev.sluice.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The window arithmetic of {@link RateSensor}, with time passed in by hand. */
class RateSensorTest {
    private static final int SAMPLES = 11;
    private static final long WINDOW_MS = 1000;

    @Test
    void nothingRecordedIsNoRateAndNoThrottle() {
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        assertThat(sensor.ratePerSecond(5_000)).isZero();
        assertThat(sensor.throttleTimeMs(1, 5_000)).isZero();
        assertThat(sensor.idle(5_000)).isTrue();
    }

    @Test
    void aYoungWindowCountsAsOneSampleWindow() {
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        sensor.record(3000, 0);
        assertThat(sensor.ratePerSecond(0)).isEqualTo(3000.0);
        // 3000 bytes against 1000 bytes/s: silent until 3 s have passed since the window began.
        assertThat(sensor.throttleTimeMs(1000, 0)).isEqualTo(2000);
        assertThat(sensor.throttleTimeMs(1000, 1500)).isEqualTo(1500);
        assertThat(sensor.throttleTimeMs(1000, 3000)).isZero();
        assertThat(sensor.ratePerSecond(3000)).isEqualTo(1000.0);
    }

    @Test
    void withinTheQuotaIsNotThrottled() {
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        for (long t = 0; t < 20_000; t += 100) {
            sensor.record(90, t);
            assertThat(sensor.throttleTimeMs(1000, t)).as("at %d ms", t).isZero();
        }
    }

    @Test
    void samplesExpireAfterTheWholeWindow() {
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        sensor.record(1_000_000, 0);
        assertThat(sensor.throttleTimeMs(1000, 0)).as("capped at the window").isEqualTo(SAMPLES * WINDOW_MS);
        assertThat(sensor.idle(SAMPLES * WINDOW_MS - 1)).isFalse();
        assertThat(sensor.idle(SAMPLES * WINDOW_MS)).isTrue();
        assertThat(sensor.throttleTimeMs(1000, SAMPLES * WINDOW_MS)).isZero();
    }

    @Test
    void theThrottleBringsTheRateBackToTheQuota() {
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        for (long t = 0; t < 5000; t += 250) {
            sensor.record(500, t);
        }
        long now = 4750;
        double quota = 1000;
        long throttleMs = sensor.throttleTimeMs(quota, now);
        assertThat(throttleMs).isPositive();
        assertThat(sensor.ratePerSecond(now + throttleMs)).isCloseTo(quota, org.assertj.core.data.Offset.offset(1.0));
    }

    /**
     * A client that honours every throttle and sends requests of random sizes back to back, for two minutes of
     * simulated time (so samples expire many times): its rate over any 10 s after the first second is the quota,
     * within 5 %.
     */
    @Test
    void anHonouringClientIsHeldToItsQuota() {
        SplittableRandom random = new SplittableRandom(42);
        RateSensor sensor = new RateSensor(SAMPLES, WINDOW_MS);
        double quota = 100_000;
        long now = 0;
        long[] bytesBySecond = new long[130];
        while (now < 120_000) {
            int bytes = 1000 + random.nextInt(16_000);
            sensor.record(bytes, now);
            bytesBySecond[(int) (now / 1000)] += bytes;
            long throttleMs = sensor.throttleTimeMs(quota, now);
            now += Math.max(throttleMs, 1 + random.nextInt(5));
        }
        for (int start = 1; start + 10 <= 120; start++) {
            long total = 0;
            for (int s = start; s < start + 10; s++) {
                total += bytesBySecond[s];
            }
            assertThat(total / 10.0).as("bytes/s over [%d s, %d s)", start, start + 10)
                    .isBetween(quota * 0.95, quota * 1.05);
        }
    }
}
