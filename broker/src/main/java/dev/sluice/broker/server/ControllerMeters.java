package dev.sluice.broker.server;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The controller's view of the cluster as meters ({@code sluice_controller_*}): whether this node is the active
 * controller, and the {@link ClusterCounts} of the current image. Every controller holds the same image, but only the
 * active one reports the counts (the others report 0), so that summing over the controllers, as a dashboard does
 * without knowing which is active, counts each offline partition once.
 *
 * <p>Leader elections are counted here from successive images, on the active controller only, for the same reason.
 * Threads: {@link #onMetadataUpdate} on the metadata loader's thread; the gauges on the scraping thread, which
 * computes the counts at most once per image.
 */
final class ControllerMeters implements MetadataPublisher {
    private record CountsOf(MetadataImage image, ClusterCounts counts) {
    }

    private final BooleanSupplier active;
    private final Supplier<MetadataImage> image;
    private final Counter leaderElections;
    /** Loader thread only. */
    private MetadataImage previous = MetadataImage.EMPTY;
    private volatile CountsOf counted = new CountsOf(MetadataImage.EMPTY, ClusterCounts.NONE);

    /**
     * @param active whether this node is the active controller now
     * @param image the controller's current metadata image
     */
    ControllerMeters(MeterRegistry registry, BooleanSupplier active, Supplier<MetadataImage> image) {
        this.active = active;
        this.image = image;
        Gauge.builder("sluice.controller.active", active, a -> a.getAsBoolean() ? 1 : 0)
                .strongReference(true)
                .description("1 on the active controller (the metadata quorum leader), 0 on other controllers")
                .register(registry);
        gauge(registry, "sluice.controller.offline.partitions", ClusterCounts::offline,
                "partitions with no leader (no live in-sync replica): unavailable for produce and consume");
        gauge(registry, "sluice.controller.preferred.replica.imbalance", ClusterCounts::preferredImbalance,
                "partitions led by a replica other than their preferred (first) replica");
        gauge(registry, "sluice.controller.registered.brokers", ClusterCounts::registeredBrokers,
                "brokers registered with the controller, fenced or not");
        gauge(registry, "sluice.controller.fenced.brokers", ClusterCounts::fencedBrokers,
                "registered brokers that are fenced (missed heartbeats, shut down, or not yet caught up): they lead"
                        + " nothing and get no new replicas");
        gauge(registry, "sluice.controller.topics", ClusterCounts::topics,
                "topics in the cluster, internal ones included");
        gauge(registry, "sluice.controller.partitions", ClusterCounts::partitions,
                "partitions in the cluster, internal topics included");
        this.leaderElections = Counter.builder("sluice.controller.leader.elections")
                .description("partition leader changes committed while this node was the active controller"
                        + " (failover, controlled shutdown, preferred-leader rebalance, election after an outage)")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, ToIntFunction<ClusterCounts> count, String description) {
        Gauge.builder(name, this, meters -> meters.active.getAsBoolean() ? count.applyAsInt(meters.counts()) : 0)
                .strongReference(true)
                .description(description + "; reported by the active controller, 0 on the others")
                .register(registry);
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        if (active.getAsBoolean()) {
            leaderElections.increment(ClusterCounts.leaderElections(previous, newImage));
        }
        previous = newImage;
    }

    /** The counts of the current image, computed once per image. */
    private ClusterCounts counts() {
        MetadataImage current = image.get();
        CountsOf known = counted;
        if (known.image() != current) {
            known = new CountsOf(current, ClusterCounts.of(current));
            counted = known;
        }
        return known.counts();
    }
}
