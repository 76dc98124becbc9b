package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.ProducerIdsImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicsImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** When a broker counts as caught up with the partitions it replicates (the readiness rule of a rolling restart). */
class ReplicaCatchUpTest {
    private static final int SELF = 4;

    private final SortedMap<Integer, BrokerRegistration> brokers = new TreeMap<>();
    private final List<TopicImage> topics = new ArrayList<>();

    ReplicaCatchUpTest() {
        broker(4, false);
        broker(5, false);
        broker(6, false);
    }

    private void broker(int id, boolean fenced) {
        brokers.put(id, new BrokerRegistration(id, 1, "127.0.0.1", 7092, "", fenced));
    }

    /** A topic whose partitions are given as (replicas, isr, leader), in index order. */
    private void topic(String name, PartitionImage... partitions) {
        SortedMap<Integer, PartitionImage> byIndex = new TreeMap<>();
        for (int i = 0; i < partitions.length; i++) {
            byIndex.put(i, partitions[i]);
        }
        topics.add(new TopicImage(name, UUID.nameUUIDFromBytes(name.getBytes()), byIndex));
    }

    private static PartitionImage partition(List<Integer> replicas, List<Integer> isr, int leader) {
        return new PartitionImage(replicas, isr, leader, 1, 1);
    }

    private String reason() {
        MetadataImage image = new MetadataImage(10, new ClusterImage(brokers), TopicsImage.of(topics),
                ConfigsImage.EMPTY, ProducerIdsImage.EMPTY);
        return ReplicaCatchUp.notCaughtUpReason(image, SELF);
    }

    @Test
    void anEmptyImageHasNothingToCatchUpWith() {
        assertThat(ReplicaCatchUp.notCaughtUpReason(MetadataImage.EMPTY, SELF)).isNull();
    }

    @Test
    void aReplicaInTheIsrIsCaughtUp() {
        topic("orders", partition(List.of(5, 4), List.of(5, 4), 5));
        assertThat(reason()).isNull();
    }

    @Test
    void aReplicaOutsideTheIsrOfALiveLeaderIsNotReady() {
        topic("orders", partition(List.of(5, 4), List.of(5), 5));
        assertThat(reason()).isEqualTo("replicas catching up: broker 4 is not yet in the ISR of orders-0 "
                + "(1 partition with a live leader is waiting for it)");
    }

    @Test
    void aPartitionThisBrokerLeadsNeverBlocks() {
        topic("orders", partition(List.of(4, 5), List.of(4), 4));
        assertThat(reason()).isNull();
    }

    @Test
    void aFencedLeaderDoesNotBlockSinceNothingWouldBringTheReplicaBack() {
        broker(5, true);
        topic("orders", partition(List.of(5, 4), List.of(5), 5));
        assertThat(reason()).isNull();
    }

    @Test
    void aLeaderMissingFromTheClusterDoesNotBlock() {
        brokers.remove(5);
        topic("orders", partition(List.of(5, 4), List.of(5), 5));
        assertThat(reason()).isNull();
    }

    @Test
    void aLeaderlessPartitionDoesNotBlock() {
        topic("orders", partition(List.of(5, 4), List.of(5), PartitionImage.NO_LEADER));
        assertThat(reason()).isNull();
    }

    @Test
    void partitionsThisBrokerDoesNotReplicateAreIgnored() {
        topic("orders", partition(List.of(5, 6), List.of(5), 5), partition(List.of(6, 5), List.of(6), 6));
        assertThat(reason()).isNull();
    }

    @Test
    void severalMissingPartitionsAreCountedAndTheFirstByNameThenIndexIsNamed() {
        topic("zeta", partition(List.of(5, 4), List.of(5), 5));
        topic("alpha", partition(List.of(5, 4), List.of(5, 4), 5), partition(List.of(6, 4), List.of(6), 6),
                partition(List.of(4, 5), List.of(5), 5));
        topic("beta", partition(List.of(5, 6), List.of(5), 5));
        assertThat(reason()).isEqualTo("replicas catching up: broker 4 is not yet in the ISR of alpha-1 "
                + "(3 partitions with a live leader are waiting for it)");
    }

    @Test
    void onlyTheLivePartitionsOfAMixCount() {
        broker(6, true);
        topic("orders", partition(List.of(5, 4), List.of(5), 5), partition(List.of(6, 4), List.of(6), 6),
                partition(List.of(4, 5), List.of(4, 5), 4));
        assertThat(reason()).contains("orders-0").contains("(1 partition with");
    }
}
