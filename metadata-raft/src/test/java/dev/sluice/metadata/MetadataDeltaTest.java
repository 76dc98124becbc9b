package dev.sluice.metadata;

import static dev.sluice.metadata.MetadataRecords.config;
import static dev.sluice.metadata.MetadataRecords.fenceBroker;
import static dev.sluice.metadata.MetadataRecords.partition;
import static dev.sluice.metadata.MetadataRecords.partitionChange;
import static dev.sluice.metadata.MetadataRecords.producerIds;
import static dev.sluice.metadata.MetadataRecords.registerBroker;
import static dev.sluice.metadata.MetadataRecords.removeTopic;
import static dev.sluice.metadata.MetadataRecords.topic;
import static dev.sluice.metadata.MetadataRecords.unfenceBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.internal.v1.TopicRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataDeltaTest {
    private static final UUID ORDERS = new UUID(1, 1);
    private static final UUID PAYMENTS = new UUID(2, 2);

    static MetadataImage apply(MetadataImage image, long offset, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(List.of(records));
        return delta.apply(offset);
    }

    private static PartitionImage partitionOf(int leader, Integer... replicas) {
        return new PartitionImage(List.of(replicas), List.of(replicas), leader, 0, 0);
    }

    private static MetadataImage ordersImage() {
        return apply(MetadataImage.EMPTY, 1,
                registerBroker(1, 1, "h1", 7092, "r1"), registerBroker(2, 1, "h2", 7092, ""),
                unfenceBroker(1, 1), unfenceBroker(2, 1),
                topic("orders", ORDERS), partition(ORDERS, 0, partitionOf(1, 1, 2)),
                partition(ORDERS, 1, partitionOf(2, 2, 1)));
    }

    @Test
    void registerBrokerStartsFencedAndUnfenceFenceToggle() {
        MetadataImage image = apply(MetadataImage.EMPTY, 5, registerBroker(3, 7, "host", 9000, "rack-a"));
        assertThat(image.offset()).isEqualTo(5);
        assertThat(image.cluster().broker(3)).isEqualTo(new BrokerRegistration(3, 7, "host", 9000, "rack-a", true));
        image = apply(image, 6, unfenceBroker(3, 7));
        assertThat(image.cluster().isUnfenced(3)).isTrue();
        image = apply(image, 7, fenceBroker(3, 7));
        assertThat(image.cluster().broker(3).fenced()).isTrue();
    }

    @Test
    void registrationKeepsTheLogStoreIdThroughTheImageAndItsRecords() {
        MetadataImage image = apply(MetadataImage.EMPTY, 1,
                registerBroker(3, 7, "host", 7092, "", "incarnation", "directory", 0, "store-a"));
        assertThat(image.cluster().broker(3).logStoreId()).isEqualTo("store-a");
        assertThat(apply(MetadataImage.EMPTY, 1, image.toRecords().toArray(MetadataRecord[]::new)).cluster())
                .isEqualTo(image.cluster());
        assertThat(apply(MetadataImage.EMPTY, 1, registerBroker(3, 7, "host", 7092, "")).cluster().broker(3)
                .logStoreId()).as("written before the field existed").isEmpty();
    }

    @Test
    void registrationKeepsTheKafkaPortThroughTheImageAndItsRecords() {
        MetadataImage image = apply(MetadataImage.EMPTY, 1,
                registerBroker(3, 7, "host", 7092, "", "incarnation", "directory", 9092));
        assertThat(image.cluster().broker(3).kafkaPort()).isEqualTo(9092);
        assertThat(apply(MetadataImage.EMPTY, 1, image.toRecords().toArray(MetadataRecord[]::new)).cluster())
                .isEqualTo(image.cluster());
        assertThat(apply(MetadataImage.EMPTY, 1, registerBroker(3, 7, "host", 7092, "")).cluster().broker(3)
                .kafkaPort()).isZero();
    }

    @Test
    void reRegistrationNeedsAHigherEpochAndFencesAgain() {
        MetadataImage image = apply(MetadataImage.EMPTY, 1, registerBroker(3, 7, "h", 1, ""), unfenceBroker(3, 7));
        assertThatThrownBy(() -> apply(image, 2, registerBroker(3, 7, "h", 1, "")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("epoch");
        MetadataImage next = apply(image, 2, registerBroker(3, 8, "h2", 2, ""));
        assertThat(next.cluster().broker(3)).isEqualTo(new BrokerRegistration(3, 8, "h2", 2, "", true));
    }

    @Test
    void fenceWithStaleEpochOrUnknownBrokerIsABrokenInvariant() {
        MetadataImage image = apply(MetadataImage.EMPTY, 1, registerBroker(3, 7, "h", 1, ""));
        assertThatThrownBy(() -> apply(image, 2, fenceBroker(3, 6))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(image, 2, unfenceBroker(4, 7))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void topicAndPartitionRecordsCreateATopic() {
        MetadataImage image = ordersImage();
        TopicImage orders = image.topics().topic("orders");
        assertThat(orders.id()).isEqualTo(ORDERS);
        assertThat(image.topics().topic(ORDERS)).isSameAs(orders);
        assertThat(orders.partitions()).containsOnlyKeys(0, 1);
        assertThat(image.topics().partition(ORDERS, 1)).isEqualTo(partitionOf(2, 2, 1));
    }

    @Test
    void duplicateTopicNameOrIdAndBadPartitionsAreBrokenInvariants() {
        MetadataImage image = ordersImage();
        assertThatThrownBy(() -> apply(image, 2, topic("orders", PAYMENTS))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(image, 2, topic("payments", ORDERS))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(image, 2, partition(ORDERS, 0, partitionOf(1, 1))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(image, 2, partition(PAYMENTS, 0, partitionOf(1, 1))))
                .isInstanceOf(IllegalStateException.class);
        MetadataRecord badId = MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName("x")
                .setTopicId(com.google.protobuf.ByteString.copyFrom(new byte[3]))).build();
        assertThatThrownBy(() -> apply(image, 2, badId)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(image, 2, topic("bad name", PAYMENTS)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void partitionChangeBumpsEpochsAndChecksInvariants() {
        MetadataImage image = apply(ordersImage(), 2, partitionChange(ORDERS, 0, null, List.of(1), null));
        assertThat(image.topics().partition(ORDERS, 0))
                .isEqualTo(new PartitionImage(List.of(1, 2), List.of(1), 1, 0, 1));
        image = apply(image, 3, partitionChange(ORDERS, 0, -1, null, null));
        assertThat(image.topics().partition(ORDERS, 0))
                .isEqualTo(new PartitionImage(List.of(1, 2), List.of(1), -1, 1, 2));
        MetadataImage before = image;
        assertThatThrownBy(() -> apply(before, 4, partitionChange(ORDERS, 0, 2, null, null)))
                .as("leader outside the ISR").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(before, 4, partitionChange(ORDERS, 9, 1, null, null)))
                .isInstanceOf(IllegalStateException.class);
        MetadataImage reassigned = apply(before, 4, partitionChange(ORDERS, 0, null, null, List.of(1, 3)));
        assertThat(reassigned.topics().partition(ORDERS, 0).replicas()).containsExactly(1, 3);
    }

    @Test
    void configRecordsSetAndRemoveKeysOfLiveTopics() {
        MetadataImage image = apply(ordersImage(), 2, config("orders", TopicConfigs.RETENTION_MS, "1000"),
                config("orders", TopicConfigs.CLEANUP_POLICY, "compact"));
        assertThat(image.configs().explicit("orders")).containsExactly(
                Map.entry(TopicConfigs.CLEANUP_POLICY, "compact"), Map.entry(TopicConfigs.RETENTION_MS, "1000"));
        assertThat(image.configs().effective("orders").retentionMs()).isEqualTo(1000);
        image = apply(image, 3, config("orders", TopicConfigs.RETENTION_MS, null),
                config("orders", TopicConfigs.CLEANUP_POLICY, null));
        assertThat(image.configs().topicConfigs()).isEmpty();
        MetadataImage before = image;
        assertThatThrownBy(() -> apply(before, 4, config("nope", TopicConfigs.RETENTION_MS, "1")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> apply(before, 4, config("orders", "no.such.key", "1")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void removeTopicDropsItsPartitionsAndConfigs() {
        MetadataImage image = apply(ordersImage(), 2, config("orders", TopicConfigs.RETENTION_MS, "1000"));
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(removeTopic(ORDERS));
        MetadataImage next = delta.apply(3);
        assertThat(next.topics().isEmpty()).isTrue();
        assertThat(next.configs().topicConfigs()).isEmpty();
        assertThat(delta.deletedTopics()).containsExactly(Map.entry(ORDERS, "orders"));
        assertThatThrownBy(() -> apply(next, 4, removeTopic(ORDERS))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deleteAndRecreateInOneDeltaStartsAfresh() {
        MetadataImage image = apply(ordersImage(), 2, config("orders", TopicConfigs.RETENTION_MS, "1000"));
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(List.of(removeTopic(ORDERS), topic("orders", PAYMENTS),
                partition(PAYMENTS, 0, partitionOf(2, 2))));
        MetadataImage next = delta.apply(3);
        assertThat(next.topics().topic("orders").id()).isEqualTo(PAYMENTS);
        assertThat(next.topics().topic(ORDERS)).isNull();
        assertThat(next.configs().explicit("orders")).isEmpty();
        assertThat(delta.deletedTopics()).containsOnlyKeys(ORDERS);
        assertThat(delta.createdTopicIds()).containsExactly(PAYMENTS);
        assertThat(delta.changedPartitions()).containsOnlyKeys(new TopicIdPartition(PAYMENTS, 0));
    }

    @Test
    void producerIdsOnlyMoveForward() {
        MetadataImage image = apply(MetadataImage.EMPTY, 1, producerIds(1, 1001));
        assertThat(image.producerIds().nextProducerId()).isEqualTo(1001);
        assertThatThrownBy(() -> apply(image, 2, producerIds(1, 1001))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyRecordIsABrokenInvariant() {
        assertThatThrownBy(() -> apply(MetadataImage.EMPTY, 1, MetadataRecord.getDefaultInstance()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unchangedSubImagesAreShared() {
        MetadataImage image = apply(ordersImage(), 2, topic("payments", PAYMENTS),
                partition(PAYMENTS, 0, partitionOf(1, 1)));
        MetadataImage next = apply(image, 3, partitionChange(PAYMENTS, 0, null, List.of(1), List.of(1, 2)));
        assertThat(next.cluster()).isSameAs(image.cluster());
        assertThat(next.configs()).isSameAs(image.configs());
        assertThat(next.producerIds()).isSameAs(image.producerIds());
        assertThat(next.topics().topic(ORDERS)).isSameAs(image.topics().topic(ORDERS));
        assertThat(next.topics().topic(PAYMENTS)).isNotSameAs(image.topics().topic(PAYMENTS));
        assertThat(apply(next, 4)).satisfies(same -> assertThat(same.topics()).isSameAs(next.topics()));
    }

    @Test
    void deltaReportsWhatChanged() {
        MetadataDelta delta = new MetadataDelta(ordersImage());
        delta.replayAll(List.of(fenceBroker(2, 1), partitionChange(ORDERS, 1, 1, List.of(1), null),
                topic("payments", PAYMENTS), partition(PAYMENTS, 0, partitionOf(1, 1)),
                config("payments", TopicConfigs.MIN_INSYNC_REPLICAS, "1"), producerIds(1, 50)));
        assertThat(delta.changedBrokers()).containsOnlyKeys(2);
        assertThat(delta.createdTopicIds()).containsExactly(PAYMENTS);
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedPartitions()).containsOnlyKeys(new TopicIdPartition(ORDERS, 1),
                new TopicIdPartition(PAYMENTS, 0));
        assertThat(delta.changedPartitions().get(new TopicIdPartition(ORDERS, 1)).leaderEpoch()).isEqualTo(1);
        assertThat(delta.changedConfigTopics()).containsExactly("payments");
        assertThat(delta.producerIdsChanged()).isTrue();
    }

    @Test
    void applyBelowTheBaseOffsetIsRefused() {
        MetadataImage image = ordersImage();
        assertThatThrownBy(() -> new MetadataDelta(image).apply(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toRecordsRebuildsTheImage() {
        MetadataImage image = apply(ordersImage(), 9, fenceBroker(2, 1),
                config("orders", TopicConfigs.SEGMENT_BYTES, "1048576"), producerIds(2, 77));
        assertThat(MetadataImagePropertyTest.rebuild(image)).isEqualTo(image);
        assertThat(MetadataImagePropertyTest.rebuild(MetadataImage.EMPTY)).isEqualTo(MetadataImage.EMPTY);
    }
}
