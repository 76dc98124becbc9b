package dev.sluice.broker.server;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToIntFunction;

/**
 * The health of the partitions this broker leads as meters ({@code sluice_broker_*}): how many it leads, how many
 * are under-replicated or under {@code min.insync.replicas} ({@link LeaderCounts}), and ISR shrinks and expands. Each
 * broker reports only the partitions it leads, so a sum over brokers counts each partition once.
 *
 * <p>Registered with the loader after the catch-up, like the rest of the broker side, so a replay after a restart
 * does not count the ISR changes of the past again. Threads: {@link #onMetadataUpdate} on the loader's thread; the
 * gauges on the scraping thread, which computes the counts at most once per image.
 */
final class PartitionMeters implements MetadataPublisher {
    private record CountsOf(MetadataImage image, LeaderCounts counts) {
    }

    private final int brokerId;
    private final Counter isrShrinks;
    private final Counter isrExpands;
    private volatile MetadataImage latest = MetadataImage.EMPTY;
    private volatile CountsOf counted = new CountsOf(MetadataImage.EMPTY, LeaderCounts.NONE);

    PartitionMeters(int brokerId, MeterRegistry registry) {
        this.brokerId = brokerId;
        gauge(registry, "sluice.broker.leader.partitions", LeaderCounts::led,
                "partitions this broker leads (internal topics included)");
        gauge(registry, "sluice.broker.under.replicated.partitions", LeaderCounts::underReplicated,
                "partitions this broker leads whose ISR is smaller than their replica set");
        gauge(registry, "sluice.broker.under.min.isr.partitions", LeaderCounts::underMinIsr,
                "partitions this broker leads whose ISR is smaller than their topic's min.insync.replicas (acks=all"
                        + " produce is refused with NOT_ENOUGH_REPLICAS)");
        this.isrShrinks = Counter.builder("sluice.broker.isr.shrinks")
                .description("replicas removed from the ISR of partitions this broker leads (a slow, stopped or"
                        + " fenced follower, or the previous leader at a leader change)")
                .register(registry);
        this.isrExpands = Counter.builder("sluice.broker.isr.expands")
                .description("replicas added to the ISR of partitions this broker leads (a follower caught up)")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, ToIntFunction<LeaderCounts> count, String description) {
        Gauge.builder(name, this, meters -> count.applyAsInt(meters.counts()))
                .strongReference(true)
                .description(description)
                .register(registry);
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        LeaderCounts.IsrChanges changes = LeaderCounts.isrChanges(latest, newImage, brokerId);
        isrShrinks.increment(changes.shrinks());
        isrExpands.increment(changes.expands());
        latest = newImage;
    }

    /** The counts of the latest image, computed once per image. */
    private LeaderCounts counts() {
        MetadataImage image = latest;
        CountsOf known = counted;
        if (known.image() != image) {
            known = new CountsOf(image, LeaderCounts.of(image, brokerId));
            counted = known;
        }
        return known.counts();
    }
}
