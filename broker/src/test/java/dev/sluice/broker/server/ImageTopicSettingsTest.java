package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.PartitionKey;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.TopicConfigs;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ImageTopicSettingsTest {
    private static final UUID ORDERS_ID = UUID.nameUUIDFromBytes(new byte[] {1});
    private final ImageTopicSettings settings = new ImageTopicSettings();

    @Test
    void parsesATopicsConfigsOncePerImage() {
        MetadataImage image = withConfig(MetadataImage.EMPTY, TopicConfigs.MIN_INSYNC_REPLICAS, "2", 1);

        ImageTopicSettings.TopicSettings first = settings.forTopic(image, "orders");

        assertThat(first.minInsyncReplicas()).isEqualTo(2);
        assertThat(settings.forTopic(image, "orders")).isSameAs(first);
    }

    @Test
    void aNewImageIsAnsweredFromItsOwnConfigs() {
        MetadataImage before = withConfig(MetadataImage.EMPTY, TopicConfigs.MIN_INSYNC_REPLICAS, "2", 1);
        assertThat(settings.forTopic(before, "orders").minInsyncReplicas()).isEqualTo(2);

        MetadataImage after = withConfig(before, TopicConfigs.MIN_INSYNC_REPLICAS, "3", 2);

        assertThat(settings.forTopic(after, "orders").minInsyncReplicas()).isEqualTo(3);
    }

    @Test
    void aCallerWithAnOlderImageIsAnsweredFromItWithoutEvictingTheNewerMemo() {
        MetadataImage before = withConfig(MetadataImage.EMPTY, TopicConfigs.MIN_INSYNC_REPLICAS, "2", 1);
        MetadataImage after = withConfig(before, TopicConfigs.MIN_INSYNC_REPLICAS, "3", 2);
        ImageTopicSettings.TopicSettings newer = settings.forTopic(after, "orders");

        assertThat(settings.forTopic(before, "orders").minInsyncReplicas()).isEqualTo(2);
        assertThat(settings.forTopic(after, "orders")).isSameAs(newer);
    }

    @Test
    void aPartitionOfATopicGoneFromTheImageHasNoLogSettings() {
        MetadataImage image = withConfig(MetadataImage.EMPTY, TopicConfigs.RETENTION_MS, "60000", 1);

        assertThat(settings.forPartition(image, new PartitionKey(ORDERS_ID, 0)).retentionMs()).isEqualTo(60_000);
        assertThat(settings.forPartition(image, new PartitionKey(UUID.randomUUID(), 0))).isNull();
    }

    @Test
    void aTopicWithoutConfigsGetsTheDefaults() {
        ImageTopicSettings.TopicSettings unknown = settings.forTopic(MetadataImage.EMPTY, "nowhere");

        assertThat(unknown).isEqualTo(ImageTopicSettings.TopicSettings.of(TopicConfigs.DEFAULTS));
    }

    private static MetadataImage withConfig(MetadataImage base, String key, String value, long offset) {
        MetadataDelta delta = new MetadataDelta(base);
        if (base.topics().topic("orders") == null) {
            delta.replay(MetadataRecords.topic("orders", ORDERS_ID));
        }
        delta.replay(MetadataRecords.config("orders", key, value));
        return delta.apply(offset);
    }
}
