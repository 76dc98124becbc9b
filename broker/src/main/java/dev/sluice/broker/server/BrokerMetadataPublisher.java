package dev.sluice.broker.server;

import dev.sluice.broker.group.CoordinatorHandoffs;
import dev.sluice.broker.log.FlushPolicy;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.replication.PartitionReplicas;
import dev.sluice.broker.rpc.TrafficMetrics;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataPublisher;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the broker's local state follow the metadata image: opens a log for every partition that lists this broker as a
 * replica, makes replication lead or follow each of them, deletes the logs of removed topics (stopping their
 * replication first), records the group coordinator's takeovers of offsets partitions ({@link CoordinatorHandoffs}),
 * and keeps per-partition gauges (log start/end offsets, size) in step. It compares each new image with the previous
 * one, so it needs nothing from the delta but the new image.
 *
 * <p>Called on the metadata loader's thread only.
 */
final class BrokerMetadataPublisher implements MetadataPublisher {
    private static final Logger log = LoggerFactory.getLogger(BrokerMetadataPublisher.class);

    private final int nodeId;
    private final LogStore logStore;
    private final MeterRegistry registry;
    private final TrafficMetrics trafficMetrics;
    private final PartitionReplicas replicas;
    private final CoordinatorHandoffs handoffs;
    private final Map<PartitionKey, List<Meter>> gauges = new HashMap<>();
    private MetadataImage previous = MetadataImage.EMPTY;

    BrokerMetadataPublisher(int nodeId, LogStore logStore, MeterRegistry registry, TrafficMetrics trafficMetrics,
                            PartitionReplicas replicas, CoordinatorHandoffs handoffs) {
        this.nodeId = nodeId;
        this.logStore = logStore;
        this.registry = registry;
        this.trafficMetrics = trafficMetrics;
        this.replicas = replicas;
        this.handoffs = handoffs;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        Map<UUID, TopicImage> before = previous.topics().topicsById();
        Map<UUID, TopicImage> after = newImage.topics().topicsById();
        for (TopicImage removed : before.values()) {
            if (!after.containsKey(removed.id())) {
                removeTopic(removed);
            }
        }
        for (TopicImage topic : after.values()) {
            if (before.get(topic.id()) != topic) {
                openLocalPartitions(topic);
            }
        }
        // Before replication acts on the image: a new leader appends under its topic's flush policy from the start.
        applyFlushPolicies(newImage);
        // Before replication leads a new offsets partition: the coordinator must find its takeover recorded.
        handoffs.onImage(previous, newImage);
        // Logs exist now; replication becomes leader or follower of each local partition from the same image.
        replicas.applyMetadata(newImage);
        previous = newImage;
    }

    private void openLocalPartitions(TopicImage topic) {
        for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
            PartitionKey key = new PartitionKey(topic.id(), entry.getKey());
            if (entry.getValue().replicas().contains(nodeId) && !gauges.containsKey(key)) {
                PartitionLog partitionLog = logStore.partition(key);
                gauges.put(key, registerGauges(topic.name(), entry.getKey(), partitionLog));
            }
        }
    }

    /** Gives each local partition log its topic's flush policy ({@code durable.acks}, {@code flush.*}). */
    private void applyFlushPolicies(MetadataImage image) {
        for (TopicImage topic : image.topics().topicsById().values()) {
            FlushPolicy policy = MetadataPartitionResolver.flushPolicy(image.configs().effective(topic.name()));
            for (int partition : topic.partitions().keySet()) {
                logStore.findPartition(new PartitionKey(topic.id(), partition)).ifPresent(partitionLog -> {
                    if (!partitionLog.flushPolicy().equals(policy)) {
                        partitionLog.setFlushPolicy(policy);
                    }
                });
            }
        }
    }

    private void removeTopic(TopicImage topic) {
        log.info("Deleting the local logs of removed topic {} ({})", topic.name(), topic.id());
        for (int partition : topic.partitions().keySet()) {
            PartitionKey key = new PartitionKey(topic.id(), partition);
            List<Meter> meters = gauges.remove(key);
            if (meters != null) {
                meters.forEach(registry::remove);
            }
            replicas.stopReplica(key);
            logStore.deletePartition(key);
        }
        trafficMetrics.forgetTopic(topic.name());
    }

    private List<Meter> registerGauges(String topic, int partition, PartitionLog partitionLog) {
        List<Meter> meters = new ArrayList<>();
        Set<io.micrometer.core.instrument.Tag> tags = Set.of(io.micrometer.core.instrument.Tag.of("topic", topic),
                io.micrometer.core.instrument.Tag.of("partition", Integer.toString(partition)));
        meters.add(Gauge.builder("sluice.log.end.offset", partitionLog, PartitionLog::logEndOffset)
                .description("the offset the next record appended to this broker's replica will get")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("sluice.log.start.offset", partitionLog, PartitionLog::logStartOffset)
                .description("the first offset this broker's replica still holds (retention and deletion move it)")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("sluice.log.high.watermark", partitionLog, PartitionLog::highWatermark)
                .description("the high watermark of this broker's replica: consumers read below it")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("sluice.log.size", partitionLog, PartitionLog::sizeBytes)
                .description("bytes of record batches this broker's replica holds (stored size; sum by topic for a"
                        + " topic's bytes on this broker's disk)")
                .baseUnit("bytes").tags(tags).register(registry));
        return meters;
    }
}
