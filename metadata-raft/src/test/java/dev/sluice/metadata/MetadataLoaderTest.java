package dev.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataLoaderTest {
    private final MetadataLoader loader = new MetadataLoader();
    private final List<MetadataDelta> deltas = new ArrayList<>();
    private final List<MetadataImage> images = new ArrayList<>();

    @Test
    void commitsFoldIntoImagesAndArePublished() {
        loader.register((delta, image) -> {
            deltas.add(delta);
            images.add(image);
        });
        UUID id = new UUID(3, 3);
        loader.handleCommit(4, MetadataRecords.serialize(List.of(MetadataRecords.topic("orders", id))));
        loader.handleCommit(5, new byte[0]);
        assertThat(loader.image().offset()).isEqualTo(5);
        assertThat(loader.image().topics().topic("orders").id()).isEqualTo(id);
        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(0).createdTopicIds()).containsExactly(id);
        assertThat(images.get(1)).isSameAs(loader.image());
        assertThat(images.get(1).topics()).as("an epoch marker changes nothing").isSameAs(images.get(0).topics());
    }

    @Test
    void invalidPayloadsAndOffsetsAreBrokenInvariantsAndLeaveTheImage() {
        loader.handleCommit(1, new byte[0]);
        MetadataImage before = loader.image();
        assertThatThrownBy(() -> loader.handleCommit(2, new byte[] {(byte) 0xff, 0x01}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> loader.handleCommit(1, new byte[0])).isInstanceOf(IllegalStateException.class);
        byte[] unknownTopic = MetadataRecords.serialize(List.of(MetadataRecords.removeTopic(new UUID(9, 9))));
        assertThatThrownBy(() -> loader.handleCommit(2, unknownTopic)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 2");
        assertThat(loader.image()).isSameAs(before);
    }

    @Test
    void lateRegistrationGetsACatchUpDelta() {
        UUID id = new UUID(3, 3);
        loader.handleCommit(1, MetadataRecords.serialize(List.of(MetadataRecords.topic("orders", id))));
        loader.register((delta, image) -> deltas.add(delta));
        assertThat(deltas).singleElement().satisfies(delta -> assertThat(delta.createdTopicIds()).containsExactly(id));
    }

    @Test
    void snapshotOverANonEmptyImagePublishesTheDifference() {
        UUID kept = new UUID(1, 1);
        UUID deleted = new UUID(2, 2);
        UUID created = new UUID(3, 3);
        PartitionImage before = new PartitionImage(List.of(1, 2), List.of(1, 2), 1, 0, 0);
        loader.handleCommit(1, MetadataRecords.serialize(List.of(
                MetadataRecords.registerBroker(1, 10, "h1", 1, ""), MetadataRecords.registerBroker(2, 20, "h2", 2, ""),
                MetadataRecords.unfenceBroker(1, 10),
                MetadataRecords.topic("kept", kept), MetadataRecords.partition(kept, 0, before),
                MetadataRecords.partition(kept, 1, before),
                MetadataRecords.topic("gone", deleted), MetadataRecords.partition(deleted, 0, before),
                MetadataRecords.config("gone", TopicConfigs.RETENTION_MS, "1000"),
                MetadataRecords.config("kept", TopicConfigs.RETENTION_MS, "1000"))));
        loader.register((delta, image) -> {
            deltas.add(delta);
            images.add(image);
        });

        // The state some entries later: "gone" deleted, "new" created, a leader and ISR change on kept-0 and two
        // more changes on kept-1, broker 2 unfenced and broker 1 re-registered, configs and producer ids moved on.
        MetadataLoader later = new MetadataLoader();
        later.handleCommit(1, MetadataRecords.serialize(loader.image().toRecords()));
        later.handleCommit(7, MetadataRecords.serialize(List.of(
                MetadataRecords.removeTopic(deleted),
                MetadataRecords.topic("new", created), MetadataRecords.partition(created, 0, before),
                MetadataRecords.partitionChange(kept, 0, 2, List.of(2), null),
                MetadataRecords.partitionChange(kept, 1, null, List.of(1), null),
                MetadataRecords.partitionChange(kept, 1, 1, null, null),
                MetadataRecords.partitionChange(kept, 1, null, List.of(1, 2), null),
                MetadataRecords.unfenceBroker(2, 20), MetadataRecords.registerBroker(1, 11, "h1b", 1, "r"),
                MetadataRecords.config("kept", TopicConfigs.RETENTION_MS, null),
                MetadataRecords.config("new", TopicConfigs.CLEANUP_POLICY, "compact"),
                MetadataRecords.producerIds(1, 1000))));
        MetadataImage target = later.image();

        loader.handleSnapshot(7, target.toRecords());

        assertThat(loader.image()).isEqualTo(target);
        MetadataDelta delta = deltas.get(deltas.size() - 1);
        assertThat(delta.deletedTopics()).containsExactly(java.util.Map.entry(deleted, "gone"));
        assertThat(delta.createdTopicIds()).containsExactly(created);
        assertThat(delta.changedPartitions()).containsOnlyKeys(new TopicIdPartition(kept, 0),
                new TopicIdPartition(kept, 1), new TopicIdPartition(created, 0));
        assertThat(delta.changedPartitions().get(new TopicIdPartition(kept, 1)))
                .isEqualTo(target.topics().partition(kept, 1));
        assertThat(delta.changedBrokers()).containsOnlyKeys(1, 2);
        assertThat(delta.changedConfigTopics()).contains("kept", "new");
        assertThat(delta.producerIdsChanged()).isTrue();
        assertThat(images.get(images.size() - 1)).isSameAs(loader.image());
    }

    @Test
    void snapshotAtAnyPointOfARandomHistoryLoadsOverAnyEarlierImage() {
        for (long seed = 1; seed <= 200; seed++) {
            RandomMetadataRecords generator = new RandomMetadataRecords(seed, MetadataImage.EMPTY);
            MetadataLoader current = new MetadataLoader();
            current.handleCommit(1, MetadataRecords.serialize(generator.next(1 + (int) (seed % 40))));
            generator.next(1 + (int) (seed * 7 % 60));
            MetadataImage target = generator.image();
            MetadataLoader reference = new MetadataLoader();
            reference.handleSnapshot(50, target.toRecords());
            current.handleSnapshot(50, target.toRecords());
            assertThat(current.image()).as("seed %d", seed).isEqualTo(reference.image());
        }
    }

    @Test
    void snapshotBeforeTheImageIsABrokenInvariant() {
        loader.handleCommit(5, new byte[0]);
        assertThatThrownBy(() -> loader.handleSnapshot(4, List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void publishersAfterCatchUpHearNothingUntilTheQuorumHighWatermarkIsReachedThenOneWholeImage() {
        long[] highWatermark = {-1};
        MetadataLoader replaying = new MetadataLoader(() -> highWatermark[0]);
        List<MetadataImage> everyImage = new ArrayList<>();
        List<MetadataDelta> brokerDeltas = new ArrayList<>();
        replaying.register((delta, image) -> everyImage.add(image));
        replaying.registerAfterCatchUp((delta, image) -> {
            brokerDeltas.add(delta);
            images.add(image);
        });
        UUID id = new UUID(7, 7);
        replaying.handleSnapshot(3, List.of(MetadataRecords.topic("orders", id)));
        replaying.handleCommit(4, new byte[0]);
        assertThat(replaying.maybeFinishCatchUp()).as("no high watermark learned yet").isFalse();
        highWatermark[0] = 7;
        replaying.handleCommit(5, MetadataRecords.serialize(List.of(MetadataRecords.removeTopic(id))));
        assertThat(replaying.caughtUp()).isFalse();
        assertThat(images).isEmpty();
        highWatermark[0] = 20;
        UUID again = new UUID(7, 8);
        replaying.handleCommit(6, MetadataRecords.serialize(List.of(MetadataRecords.topic("orders", again))));
        assertThat(replaying.caughtUp()).as("the high watermark first learned was 7").isTrue();
        assertThat(everyImage).hasSize(4);
        assertThat(images).containsExactly(replaying.image());
        assertThat(brokerDeltas.get(0).createdTopicIds()).as("one update from the empty image").containsExactly(again);
        replaying.handleCommit(7, new byte[0]);
        assertThat(images).hasSize(2);
    }

    @Test
    void catchUpFinishesWhenTheHighWatermarkIsLearnedAfterTheLastCommit() {
        long[] highWatermark = {-1};
        MetadataLoader replaying = new MetadataLoader(() -> highWatermark[0]);
        replaying.registerAfterCatchUp((delta, image) -> images.add(image));
        replaying.handleCommit(1, MetadataRecords.serialize(List.of(MetadataRecords.topic("orders", new UUID(8, 8)))));
        assertThat(images).isEmpty();
        highWatermark[0] = 2;
        assertThat(replaying.maybeFinishCatchUp()).isTrue();
        assertThat(images).containsExactly(replaying.image());
        List<MetadataImage> late = new ArrayList<>();
        replaying.registerAfterCatchUp((delta, image) -> late.add(image));
        assertThat(late).containsExactly(replaying.image());
    }
}
