package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Kafka batch → Sluice batch → (stored, offsets assigned) → Kafka batch keeps every record as it was. */
class RecordTranscodingTest {
    private static final long PRODUCER_ID = 42;
    private static final short PRODUCER_EPOCH = 3;
    private static final int BASE_SEQUENCE = 17;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void recordsSurviveBothDirections(CompressionType type) throws Exception {
        MemoryRecords produced = kafkaBatch(Compression.of(type).build(), false);
        RecordBatchView view = KafkaToSluiceBatch.transcode(produced);
        assertThat(view.getHeader().getProducerId()).isEqualTo(PRODUCER_ID);
        assertThat(view.getHeader().getBaseSequence()).isEqualTo(BASE_SEQUENCE);
        assertThat(view.getHeader().getCodec()).isEqualTo(KafkaToSluiceBatch.codec(type));

        MemoryRecords served = SluiceToKafkaBatch.transcode(List.of(stored(view, 1000, 5)));
        org.apache.kafka.common.record.RecordBatch batch = served.batches().iterator().next();
        batch.ensureValid();
        assertThat(batch.baseOffset()).isEqualTo(1000);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(5);
        assertThat(batch.producerId()).isEqualTo(PRODUCER_ID);
        assertThat(batch.producerEpoch()).isEqualTo(PRODUCER_EPOCH);
        assertThat(batch.baseSequence()).isEqualTo(BASE_SEQUENCE);
        assertThat(batch.compressionType()).isEqualTo(type);
        List<Record> expected = records(produced);
        List<Record> actual = records(served);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).offset()).isEqualTo(1000 + i);
            assertThat(actual.get(i).timestamp()).isEqualTo(expected.get(i).timestamp());
            assertThat(actual.get(i).key()).isEqualTo(expected.get(i).key());
            assertThat(actual.get(i).value()).isEqualTo(expected.get(i).value());
            assertThat(actual.get(i).headers()).isEqualTo(expected.get(i).headers());
        }
    }

    @Test
    void compactedBatchKeepsItsOffsetsAndItsEnd() throws Exception {
        RecordBatch compacted = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(50)
                .setRecordCount(2).setFirstTimestampMs(10).setMaxTimestampMs(12).setLastOffsetDelta(9))
                .setRecords(Records.newBuilder()
                        .addRecords(LogRecord.newBuilder().setKey(bytes("a")).setOffsetDelta(2).setTimestampDeltaMs(1))
                        .addRecords(LogRecord.newBuilder().setKey(bytes("b")).setValue(bytes("v")).setOffsetDelta(5)))
                .build();
        RecordBatch emptied = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(60)
                .setFirstTimestampMs(20).setMaxTimestampMs(20).setLastOffsetDelta(4)).build();
        MemoryRecords served = SluiceToKafkaBatch.transcode(List.of(compacted.toByteString(),
                emptied.toByteString()));
        List<org.apache.kafka.common.record.RecordBatch> batches = new ArrayList<>();
        served.batches().forEach(batches::add);
        assertThat(batches).hasSize(2);
        batches.forEach(org.apache.kafka.common.record.RecordBatch::ensureValid);
        assertThat(batches.get(0).lastOffset()).isEqualTo(59);
        assertThat(records(served)).extracting(Record::offset).containsExactly(52L, 55L);
        assertThat(records(served).get(0).hasValue()).isFalse();
        assertThat(batches.get(1).baseOffset()).isEqualTo(60);
        assertThat(batches.get(1).lastOffset()).isEqualTo(64);
    }

    @Test
    void transactionalBatchesAreRefused() {
        assertThatThrownBy(() -> KafkaToSluiceBatch.transcode(kafkaBatch(Compression.NONE, true)))
                .isInstanceOfSatisfying(KafkaToSluiceBatch.RefusedBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD));
    }

    @Test
    void corruptBatchIsRefusedAsCorrupt() {
        MemoryRecords records = kafkaBatch(Compression.NONE, false);
        ByteBuffer buffer = records.buffer();
        buffer.put(buffer.limit() - 1, (byte) (buffer.get(buffer.limit() - 1) ^ 0x5a));
        assertThatThrownBy(() -> KafkaToSluiceBatch.transcode(MemoryRecords.readableRecords(buffer)))
                .isInstanceOfSatisfying(KafkaToSluiceBatch.RefusedBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.CORRUPT_MESSAGE));
    }

    @Test
    void twoBatchesInOnePartitionAreRefused() {
        ByteBuffer both = ByteBuffer.allocate(4096);
        both.put(kafkaBatch(Compression.NONE, false).buffer());
        both.put(kafkaBatch(Compression.NONE, false).buffer());
        both.flip();
        assertThatThrownBy(() -> KafkaToSluiceBatch.transcode(MemoryRecords.readableRecords(both)))
                .isInstanceOfSatisfying(KafkaToSluiceBatch.RefusedBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD));
    }

    /** Records with and without keys, values and headers, at distinct timestamps. */
    private static MemoryRecords kafkaBatch(Compression compression, boolean transactional) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(2048),
                org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2, compression, TimestampType.CREATE_TIME,
                0, org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP, PRODUCER_ID, PRODUCER_EPOCH,
                BASE_SEQUENCE, transactional, -1);
        builder.append(new SimpleRecord(1_000, bytes("k1").toByteArray(), bytes("v1").toByteArray()));
        builder.append(new SimpleRecord(990, null, bytes("no key").toByteArray()));
        builder.append(new SimpleRecord(1_005, bytes("tombstone").toByteArray(), null));
        builder.append(new SimpleRecord(1_007, bytes("k4").toByteArray(), bytes("v4").toByteArray(),
                new Header[] {new RecordHeader("trace", "t".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("empty", new byte[0])}));
        return builder.build();
    }

    /** The batch as the broker stores it: offsets and leader epoch assigned. */
    private static ByteString stored(RecordBatchView view, long baseOffset, int leaderEpoch) throws Exception {
        RecordBatch batch = RecordBatch.parseFrom(view.toByteString());
        return batch.toBuilder().setHeader(batch.getHeader().toBuilder().setBaseOffset(baseOffset)
                .setLeaderEpoch(leaderEpoch)).build().toByteString();
    }

    private static List<Record> records(MemoryRecords records) {
        List<Record> all = new ArrayList<>();
        records.records().forEach(all::add);
        return all;
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }
}
