package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.internal.v1.MetadataRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The partition and broker health counts behind {@code sluice_controller_*} and {@code sluice_broker_*}, computed
 * from metadata images built record by record, and the meters that publish them.
 */
class ClusterMetricsTest {
    private static final UUID ORDERS = UUID.nameUUIDFromBytes(new byte[] {1});
    private static final UUID EVENTS = UUID.nameUUIDFromBytes(new byte[] {2});

    /**
     * Brokers 1 and 2 live, 3 fenced. {@code orders} (min.insync.replicas 2): partition 0 healthy and led by its
     * preferred replica 1; partition 1 led by 2 with only itself in sync; partition 2 offline (its last ISR was the
     * fenced 3). {@code events} (default min.insync.replicas 1): partition 0 led by 2, alone in sync.
     */
    private static MetadataImage degradedCluster() {
        return apply(MetadataImage.EMPTY, 1,
                MetadataRecords.registerBroker(1, 1, "localhost", 9001, ""),
                MetadataRecords.registerBroker(2, 1, "localhost", 9002, ""),
                MetadataRecords.registerBroker(3, 1, "localhost", 9003, ""),
                MetadataRecords.unfenceBroker(1, 1),
                MetadataRecords.unfenceBroker(2, 1),
                MetadataRecords.unfenceBroker(3, 1),
                MetadataRecords.fenceBroker(3, 1),
                MetadataRecords.topic("orders", ORDERS),
                MetadataRecords.config("orders", TopicConfigs.MIN_INSYNC_REPLICAS, "2"),
                MetadataRecords.partition(ORDERS, 0, new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0)),
                MetadataRecords.partition(ORDERS, 1, new PartitionImage(List.of(1, 2, 3), List.of(2), 2, 3, 3)),
                MetadataRecords.partition(ORDERS, 2,
                        new PartitionImage(List.of(3, 1, 2), List.of(3), PartitionImage.NO_LEADER, 4, 4)),
                MetadataRecords.topic("events", EVENTS),
                MetadataRecords.partition(EVENTS, 0, new PartitionImage(List.of(2, 1), List.of(2), 2, 1, 1)));
    }

    private static MetadataImage apply(MetadataImage base, long offset, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(offset);
    }

    @Test
    void clusterCountsOfflinePartitionsImbalanceAndFencedBrokers() {
        ClusterCounts counts = ClusterCounts.of(degradedCluster());

        assertThat(counts).isEqualTo(new ClusterCounts(1, 1, 3, 1, 2, 4));
        assertThat(ClusterCounts.of(MetadataImage.EMPTY)).isEqualTo(ClusterCounts.NONE);
    }

    @Test
    void eachLeaderCountsTheUnderReplicatedAndUnderMinIsrPartitionsItLeads() {
        MetadataImage image = degradedCluster();

        assertThat(LeaderCounts.of(image, 1)).isEqualTo(new LeaderCounts(1, 0, 0));
        assertThat(LeaderCounts.of(image, 2)).as("orders-1 is under min ISR 2; events-0 only under-replicated")
                .isEqualTo(new LeaderCounts(2, 2, 1));
        assertThat(LeaderCounts.of(image, 3)).isEqualTo(LeaderCounts.NONE);
    }

    @Test
    void electionsAreLeaderChangesToAReplicaNotLossesOfTheLeaderNorNewTopics() {
        MetadataImage before = degradedCluster();
        MetadataImage after = apply(before, 2,
                MetadataRecords.partitionChange(ORDERS, 0, 2, List.of(2), null),
                MetadataRecords.partitionChange(ORDERS, 1, PartitionImage.NO_LEADER, List.of(2), null),
                MetadataRecords.partitionChange(ORDERS, 2, 1, List.of(1), null),
                MetadataRecords.topic("fresh", UUID.nameUUIDFromBytes(new byte[] {3})),
                MetadataRecords.partition(UUID.nameUUIDFromBytes(new byte[] {3}), 0,
                        new PartitionImage(List.of(1), List.of(1), 1, 0, 0)));

        assertThat(ClusterCounts.leaderElections(before, after)).isEqualTo(2);
        assertThat(ClusterCounts.leaderElections(after, after)).isZero();
    }

    @Test
    void isrShrinksAndExpandsAreCountedByTheLeaderAfterTheChange() {
        MetadataImage before = degradedCluster();
        MetadataImage after = apply(before, 2,
                MetadataRecords.partitionChange(ORDERS, 0, null, List.of(1), null),
                MetadataRecords.partitionChange(ORDERS, 2, 1, List.of(1), null),
                MetadataRecords.partitionChange(EVENTS, 0, null, List.of(2, 1), null));

        assertThat(LeaderCounts.isrChanges(before, after, 1)).as("orders-0 lost 2 and 3; orders-2 swapped 3 for 1")
                .isEqualTo(new LeaderCounts.IsrChanges(3, 1));
        assertThat(LeaderCounts.isrChanges(before, after, 2)).isEqualTo(new LeaderCounts.IsrChanges(0, 1));
    }

    @Test
    void onlyTheActiveControllerReportsTheClusterCounts() {
        MeterRegistry registry = new SimpleMeterRegistry();
        AtomicBoolean active = new AtomicBoolean();
        MetadataImage[] image = {degradedCluster()};
        ControllerMeters meters = new ControllerMeters(registry, active::get, () -> image[0]);

        assertThat(gauge(registry, "sluice.controller.active")).isZero();
        assertThat(gauge(registry, "sluice.controller.offline.partitions")).isZero();

        active.set(true);
        assertThat(gauge(registry, "sluice.controller.active")).isEqualTo(1);
        assertThat(gauge(registry, "sluice.controller.offline.partitions")).isEqualTo(1);
        assertThat(gauge(registry, "sluice.controller.fenced.brokers")).isEqualTo(1);
        assertThat(gauge(registry, "sluice.controller.registered.brokers")).isEqualTo(3);
        assertThat(gauge(registry, "sluice.controller.preferred.replica.imbalance")).isEqualTo(1);
        assertThat(gauge(registry, "sluice.controller.partitions")).isEqualTo(4);

        meters.onMetadataUpdate(null, image[0]);
        MetadataImage healed = apply(image[0], 2, MetadataRecords.unfenceBroker(3, 1),
                MetadataRecords.partitionChange(ORDERS, 2, 3, List.of(3), null));
        meters.onMetadataUpdate(null, healed);
        image[0] = healed;
        assertThat(gauge(registry, "sluice.controller.offline.partitions")).isZero();
        assertThat(gauge(registry, "sluice.controller.fenced.brokers")).isZero();
        assertThat(registry.get("sluice.controller.leader.elections").counter().count()).isEqualTo(1);
    }

    @Test
    void aBrokerPublishesTheCountsOfThePartitionsItLeadsAndItsIsrChanges() {
        MeterRegistry registry = new SimpleMeterRegistry();
        PartitionMeters meters = new PartitionMeters(2, registry);
        MetadataImage before = degradedCluster();
        meters.onMetadataUpdate(null, before);

        assertThat(gauge(registry, "sluice.broker.leader.partitions")).isEqualTo(2);
        assertThat(gauge(registry, "sluice.broker.under.replicated.partitions")).isEqualTo(2);
        assertThat(gauge(registry, "sluice.broker.under.min.isr.partitions")).isEqualTo(1);
        assertThat(registry.get("sluice.broker.isr.shrinks").counter().count())
                .as("the first image after the catch-up is no change").isZero();

        meters.onMetadataUpdate(null, apply(before, 2,
                MetadataRecords.partitionChange(ORDERS, 1, null, List.of(2, 1), null)));
        assertThat(gauge(registry, "sluice.broker.under.min.isr.partitions")).isZero();
        assertThat(gauge(registry, "sluice.broker.under.replicated.partitions")).isEqualTo(2);
        assertThat(registry.get("sluice.broker.isr.expands").counter().count()).isEqualTo(1);
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}
