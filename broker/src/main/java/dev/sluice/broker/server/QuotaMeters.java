package dev.sluice.broker.server;

import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client quotas as meters, per configured quota entity ({@code quota_entity}, e.g. {@code user=<default>}) and key
 * ({@code quota_type}, e.g. {@code producer_byte_rate}): what was counted against the quota
 * ({@code sluice_quota_usage_total}: bytes, or handler milliseconds), the quota itself ({@code sluice_quota_limit}),
 * how many responses were throttled and the throttle time they carried. Labels name configured quotas only, never a
 * client id or user that matched a default, so their number is bounded by the quotas set with {@code sluice quota}.
 * Thread-safe; fed on request threads.
 */
final class QuotaMeters implements ClientQuotas.Listener {
    private record Series(QuotaKey key, QuotaEntity entity) {
    }

    private static final class Meters {
        Counter usage;
        Counter throttled;
        Counter throttleMs;
        volatile double quota;
    }

    private final MeterRegistry registry;
    private final Map<Series, Meters> meters = new ConcurrentHashMap<>();

    QuotaMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void recorded(QuotaKey key, QuotaEntity entity, double quota, double value) {
        Meters m = meters(key, entity);
        m.quota = quota;
        m.usage.increment(value);
    }

    @Override
    public void throttled(QuotaKey key, QuotaEntity entity, long throttleMs) {
        Meters m = meters(key, entity);
        m.throttled.increment();
        m.throttleMs.increment(throttleMs);
    }

    private Meters meters(QuotaKey key, QuotaEntity entity) {
        return meters.computeIfAbsent(new Series(key, entity), series -> {
            String entityLabel = entity.toString();
            Meters m = new Meters();
            m.usage = Counter.builder("sluice.quota.usage").tag("quota_entity", entityLabel)
                    .tag("quota_type", key.keyName())
                    .description("what was counted against the quota: bytes produced or fetched, or request handler"
                            + " milliseconds (request_percentage)").register(registry);
            m.throttled = Counter.builder("sluice.quota.throttled.responses").tag("quota_entity", entityLabel)
                    .tag("quota_type", key.keyName())
                    .description("responses that carried a throttle time because the quota was exceeded")
                    .register(registry);
            m.throttleMs = Counter.builder("sluice.quota.throttle.time.ms").tag("quota_entity", entityLabel)
                    .tag("quota_type", key.keyName())
                    .description("throttle time handed out in responses, in milliseconds").register(registry);
            io.micrometer.core.instrument.Gauge.builder("sluice.quota.limit", m, meter -> meter.quota)
                    .tag("quota_entity", entityLabel).tag("quota_type", key.keyName())
                    .description("the quota in force (bytes per second, or percent), as last applied")
                    .register(registry);
            return m;
        });
    }
}
