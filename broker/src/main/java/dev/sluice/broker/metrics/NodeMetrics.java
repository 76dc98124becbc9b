package dev.sluice.broker.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** Creates the node's Prometheus registry with the JVM and process meters bound, tagged with the node id. */
public final class NodeMetrics {
    /**
     * The bucket bounds of every latency histogram, 1 ms to 10 s in 1-2.5-5 steps. Fixed buckets, unlike the
     * client-side percentiles they replace, can be summed across brokers, so {@code histogram_quantile} gives a
     * cluster-wide p99; one set for every latency keeps dashboards and alert thresholds comparable.
     */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5),
        Duration.ofSeconds(10),
    };

    private NodeMetrics() {
    }

    public static PrometheusMeterRegistry createRegistry(int nodeId) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", Integer.toString(nodeId));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // The GC binder keeps listeners; it is closed with the JVM, which is the node's lifetime.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }

    /**
     * A timer published as a Prometheus histogram with {@link #LATENCY_BUCKETS} ({@code <name>_seconds_bucket},
     * {@code _count}, {@code _sum}), with its HELP text. Callers add tags and register it.
     */
    public static Timer.Builder latencyTimer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS);
    }
}
