package dev.sluice.broker.quota;

import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.metadata.QuotasImage;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Measures each client's produce bytes, fetch bytes and request handler time against its quotas (from the current
 * metadata image, {@link QuotaResolution}) and says how long it is throttled. Throttling never fails a request: the
 * request is handled, its response carries the throttle time, and the client waits that long before its next request
 * of the kind (KIP-219). A client that does not wait gets its next request held by the broker until the throttle is
 * over ({@link #remainingThrottleMs}), which is what muting a Kafka connection does.
 *
 * <p>One {@link RateSensor} per budget (key and {@link QuotaResolution.Match#sensorKey()}), created at first use and
 * forgotten once idle for a whole window. Thread-safe: each sensor is locked on its own. Times from the injected
 * clock, in milliseconds; request time in milliseconds of handler time.
 */
public final class ClientQuotas {
    /** Kafka's defaults: 11 samples of 1 s. */
    public static final int SAMPLES = 11;
    public static final long SAMPLE_WINDOW_MS = 1000;
    private static final int SENSORS_BEFORE_CLEANUP = 1024;

    /** A client as quotas see it: the principal's name (without {@code User:}) and its client id (may be empty). */
    public record Client(String user, String clientId) {
        /** An empty or missing name is the unauthenticated principal's; a missing client id is empty. */
        public Client {
            user = user == null || user.isEmpty() ? "ANONYMOUS" : user;
            clientId = clientId == null ? "" : clientId;
        }
    }

    /** What is worth measuring; the server turns it into meters. Called on request threads. */
    public interface Listener {
        Listener NONE = new Listener() { };

        /** {@code value} was counted against the quota {@code quota} of configured {@code entity}. */
        default void recorded(QuotaKey key, QuotaEntity entity, double quota, double value) {
        }

        /** A response of a client under {@code entity}'s quota carries {@code throttleMs} (above 0). */
        default void throttled(QuotaKey key, QuotaEntity entity, long throttleMs) {
        }
    }

    private record SensorId(QuotaKey key, QuotaEntity sensorKey) {
    }

    private static final class Budget {
        final RateSensor sensor = new RateSensor(SAMPLES, SAMPLE_WINDOW_MS);
        long throttledUntilMs;
    }

    private final Supplier<QuotasImage> quotas;
    private final Clock clock;
    private final Listener listener;
    private final Map<SensorId, Budget> budgets = new ConcurrentHashMap<>();

    public ClientQuotas(Supplier<QuotasImage> quotas, Clock clock, Listener listener) {
        this.quotas = quotas;
        this.clock = clock;
        this.listener = listener;
    }

    /** No quotas at all: nothing is measured, nothing throttled (so the clock is never read). */
    public static ClientQuotas none() {
        return new ClientQuotas(() -> QuotasImage.EMPTY, Clock.fixed(java.time.Instant.EPOCH,
                java.time.ZoneOffset.UTC), Listener.NONE);
    }

    /**
     * Counts {@code value} (bytes, or handler milliseconds for {@link QuotaKey#REQUEST_PERCENTAGE}) against the
     * client's quota of {@code key} and returns the throttle time in ms: 0 without a quota or within it.
     */
    public long record(QuotaKey key, Client client, double value) {
        QuotaResolution.Match match = QuotaResolution.resolve(quotas.get(), key, client.user(), client.clientId());
        if (match == null) {
            return 0;
        }
        long nowMs = clock.millis();
        double quotaPerSecond = perSecond(key, match.value());
        Budget budget = budgets.computeIfAbsent(new SensorId(key, match.sensorKey()), id -> new Budget());
        long throttleMs;
        synchronized (budget) {
            budget.sensor.record(value, nowMs);
            throttleMs = budget.sensor.throttleTimeMs(quotaPerSecond, nowMs);
            budget.throttledUntilMs = Math.max(budget.throttledUntilMs, nowMs + throttleMs);
        }
        listener.recorded(key, match.entity(), match.value(), value);
        if (throttleMs > 0) {
            listener.throttled(key, match.entity(), throttleMs);
        }
        if (budgets.size() > SENSORS_BEFORE_CLEANUP) {
            forgetIdle(nowMs);
        }
        return throttleMs;
    }

    /** How long the client's throttle for {@code key} still runs (0: none). */
    public long remainingThrottleMs(QuotaKey key, Client client) {
        QuotaResolution.Match match = QuotaResolution.resolve(quotas.get(), key, client.user(), client.clientId());
        if (match == null) {
            return 0;
        }
        Budget budget = budgets.get(new SensorId(key, match.sensorKey()));
        if (budget == null) {
            return 0;
        }
        synchronized (budget) {
            return Math.max(0, budget.throttledUntilMs - clock.millis());
        }
    }

    /** Whether any quota is configured (when not, callers skip measuring altogether). */
    public boolean active() {
        return !quotas.get().isEmpty();
    }

    /** Request percentage is of one thread's time per second: 100 % is 1000 ms of handler time per second. */
    static double perSecond(QuotaKey key, double value) {
        return key == QuotaKey.REQUEST_PERCENTAGE ? value * 10 : value;
    }

    private void forgetIdle(long nowMs) {
        budgets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().sensor.idle(nowMs) && entry.getValue().throttledUntilMs <= nowMs;
            }
        });
    }
}
