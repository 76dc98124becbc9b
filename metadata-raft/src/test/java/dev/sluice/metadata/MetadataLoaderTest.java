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
}
