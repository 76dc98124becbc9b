package dev.sluice.broker.quota;

/**
 * A rate over a sliding window of samples, as Kafka's quota sensors measure it (KIP-13): {@code samples} samples of
 * {@code sampleWindowMs} each; a sample starts at the first value recorded after the previous one ended, and is
 * dropped once it started {@code samples * sampleWindowMs} ago. The rate is the sum of the live samples divided by
 * the time since the oldest one started, but at least one sample window: so a new client may send one window's
 * worth of its quota at once, and from then on its rate is held to the quota. (Kafka pads a young window to
 * {@code samples - 1} windows, which lets a new client burst ten seconds' worth; one window keeps the measured rate
 * of a short run close to the quota.)
 *
 * <p>Pure: time comes in as an argument, in milliseconds; values in any unit (the rate is that unit per second).
 * Not thread-safe: the owner ({@link ClientQuotas}) locks it.
 */
public final class RateSensor {
    private final long sampleWindowMs;
    private final double[] values;
    private final long[] startMs;
    private final boolean[] live;
    private int current = -1;

    public RateSensor(int samples, long sampleWindowMs) {
        if (samples < 2 || sampleWindowMs < 1) {
            throw new IllegalArgumentException("need at least 2 samples of at least 1 ms");
        }
        this.sampleWindowMs = sampleWindowMs;
        this.values = new double[samples];
        this.startMs = new long[samples];
        this.live = new boolean[samples];
    }

    public void record(double value, long nowMs) {
        expire(nowMs);
        if (current < 0 || !live[current] || nowMs >= startMs[current] + sampleWindowMs) {
            current = (current + 1) % values.length;
            values[current] = 0;
            startMs[current] = nowMs;
            live[current] = true;
        }
        values[current] += value;
    }

    /** The rate per second over the window; 0 before anything was recorded. */
    public double ratePerSecond(long nowMs) {
        expire(nowMs);
        long windowMs = windowMs(nowMs);
        return windowMs == 0 ? 0 : total() * 1000.0 / windowMs;
    }

    /**
     * How long the client must stay silent for the rate over the window to come back down to {@code quotaPerSecond}
     * (0 when it is not above), at most the whole window ({@code samples * sampleWindowMs}): the {@code t} with
     * {@code total / (window + t) = quota}, which is Kafka's {@code (rate - quota) / quota * window}.
     */
    public long throttleTimeMs(double quotaPerSecond, long nowMs) {
        expire(nowMs);
        long windowMs = windowMs(nowMs);
        double total = total();
        if (windowMs == 0 || total * 1000.0 / windowMs <= quotaPerSecond) {
            return 0;
        }
        double throttleMs = total * 1000.0 / quotaPerSecond - windowMs;
        return Math.min((long) Math.ceil(throttleMs), values.length * sampleWindowMs);
    }

    /** Whether no sample is live any more (the owner may forget the sensor). */
    public boolean idle(long nowMs) {
        expire(nowMs);
        for (boolean l : live) {
            if (l) {
                return false;
            }
        }
        return true;
    }

    private void expire(long nowMs) {
        long lifetimeMs = values.length * sampleWindowMs;
        for (int i = 0; i < values.length; i++) {
            if (live[i] && nowMs - startMs[i] >= lifetimeMs) {
                live[i] = false;
                values[i] = 0;
            }
        }
    }

    private long windowMs(long nowMs) {
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < values.length; i++) {
            if (live[i]) {
                oldest = Math.min(oldest, startMs[i]);
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(nowMs - oldest, sampleWindowMs);
    }

    private double total() {
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            if (live[i]) {
                total += values[i];
            }
        }
        return total;
    }
}
