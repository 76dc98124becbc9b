package dev.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Image, records and replay agree: for random valid record sequences, split into random batches and committed
 * through the loader, every intermediate image written with {@code toRecords()} and replayed from empty is equal to
 * itself; and applying batch by batch gives the same image as applying record by record.
 */
class MetadataImagePropertyTest {

    @Property(tries = 200)
    void everyImageRebuildsFromItsRecords(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int recordCount) {
        RandomMetadataRecords generator = new RandomMetadataRecords(seed, MetadataImage.EMPTY);
        MetadataLoader loader = new MetadataLoader();
        long offset = 0;
        int generated = 0;
        while (generated < recordCount) {
            int batchSize = Math.min(recordCount - generated, 1 + generator.random().nextInt(6));
            List<MetadataRecord> batch = generator.next(batchSize);
            generated += batchSize;
            offset += 1 + generator.random().nextInt(3);
            loader.handleCommit(offset, MetadataRecords.serialize(batch));
            MetadataImage image = loader.image();
            assertThat(image.offset()).isEqualTo(offset);
            assertThat(rebuild(image)).as("seed %d, offset %d", seed, offset).isEqualTo(image);
            assertThat(image).as("batch vs record-by-record, seed %d", seed)
                    .isEqualTo(withOffset(generator.image(), offset));
        }
    }

    @Property(tries = 50)
    void serializedSnapshotRoundTrips(@ForAll long seed) {
        RandomMetadataRecords generator = new RandomMetadataRecords(seed, MetadataImage.EMPTY);
        generator.next(80);
        MetadataImage image = withOffset(generator.image(), 42);
        byte[] payload = MetadataRecords.serialize(image.toRecords());
        MetadataLoader loader = new MetadataLoader();
        loader.handleSnapshot(42, MetadataRecords.parse(payload));
        assertThat(loader.image()).isEqualTo(image);
    }

    /** Guards against a generator that degenerated into producing only trivial images. */
    @net.jqwik.api.Example
    void generatorCoversEveryPartOfTheImage() {
        RandomMetadataRecords generator = new RandomMetadataRecords(7, MetadataImage.EMPTY);
        java.util.Set<MetadataRecord.RecordCase> kinds = java.util.EnumSet.noneOf(MetadataRecord.RecordCase.class);
        for (MetadataRecord record : generator.next(400)) {
            kinds.add(record.getRecordCase());
        }
        assertThat(kinds).hasSize(MetadataRecord.RecordCase.values().length - 1);
        MetadataImage image = generator.image();
        assertThat(image.cluster().brokers()).isNotEmpty();
        assertThat(image.topics().topicsById().values())
                .anySatisfy(topic -> assertThat(topic.partitions()).isNotEmpty());
        assertThat(image.producerIds()).isNotEqualTo(ProducerIdsImage.EMPTY);
        assertThat(image.acls().isEmpty()).isFalse();
        assertThat(image.scram().isEmpty()).isFalse();
        assertThat(image.quotas().isEmpty()).isFalse();
    }

    static MetadataImage rebuild(MetadataImage image) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replayAll(image.toRecords());
        return delta.apply(image.offset());
    }

    private static MetadataImage withOffset(MetadataImage image, long offset) {
        return new MetadataImage(offset, image.cluster(), image.topics(), image.configs(), image.producerIds(),
                image.acls(), image.scram(), image.quotas());
    }
}
