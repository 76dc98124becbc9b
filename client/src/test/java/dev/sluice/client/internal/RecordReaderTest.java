package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.FetchPartitionResult;
import dev.sluice.proto.v1.FetchResponse;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written record decoder against protobuf's generated parser, on seeded random records. */
class RecordReaderTest {
    private static final TopicPartition TP = new TopicPartition("t", 3);

    private static LogRecord randomRecord(SplittableRandom random) {
        LogRecord.Builder record = LogRecord.newBuilder().setTimestampDeltaMs(random.nextLong(-5, 1L << 40));
        if (random.nextBoolean()) {
            record.setKey(bytes(random, random.nextInt(0, 20)));
        }
        if (random.nextInt(10) > 0) {
            record.setValue(bytes(random, random.nextInt(0, 300)));
        }
        for (int h = random.nextInt(0, 3); h > 0; h--) {
            RecordHeader.Builder header = RecordHeader.newBuilder().setKey("h" + random.nextInt(1000));
            if (random.nextBoolean()) {
                header.setValue(bytes(random, random.nextInt(0, 10)));
            }
            record.addHeaders(header);
        }
        if (random.nextInt(4) == 0) {
            record.setOffsetDelta(random.nextInt(0, 1 << 20));
        }
        if (random.nextInt(8) == 0) {
            // A field this client does not know (a newer producer's), which the reader must skip.
            record.setUnknownFields(UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(bytes(random, 5)).addVarint(7).build()).build());
        }
        return record.build();
    }

    private static ByteString bytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    @Test
    void decodesWhatTheGeneratedParserDecodes() throws Exception {
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Records.Builder records = Records.newBuilder();
            for (int i = random.nextInt(0, 40); i > 0; i--) {
                records.addRecords(randomRecord(random));
            }
            List<LogRecord> expected = Records.parseFrom(records.build().toByteArray()).getRecordsList();
            RecordReader reader = RecordReader.of(records.build().toByteString());
            for (LogRecord record : expected) {
                assertThat(reader.atEnd()).isFalse();
                assertThat(reader.next()).as("seed %d", seed).isTrue();
                assertThat(reader.key()).isEqualTo(record.hasKey() ? record.getKey().toByteArray() : null);
                assertThat(reader.value()).isEqualTo(record.hasValue() ? record.getValue().toByteArray() : null);
                assertThat(reader.timestampDeltaMs()).isEqualTo(record.getTimestampDeltaMs());
                assertThat(reader.hasOffsetDelta()).isEqualTo(record.hasOffsetDelta());
                assertThat(reader.offsetDelta()).isEqualTo(record.getOffsetDelta());
                assertThat(reader.headers()).hasSize(record.getHeadersCount());
                for (int h = 0; h < record.getHeadersCount(); h++) {
                    assertThat(reader.headers().get(h).key()).isEqualTo(record.getHeaders(h).getKey());
                    assertThat(reader.headers().get(h).value())
                            .isEqualTo(record.getHeaders(h).getValue().toByteArray());
                }
            }
            assertThat(reader.atEnd()).isTrue();
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void fetchResponseBatchesAreSlicesOfTheResponseAndDrainInOrder() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        FetchPartitionResult.Builder result = FetchPartitionResult.newBuilder().setTopic("t").setPartition(3);
        List<LogRecord> all = new ArrayList<>();
        long base = 40;
        for (int b = 0; b < 3; b++) {
            Records.Builder records = Records.newBuilder();
            for (int i = 0; i < 10; i++) {
                LogRecord record = randomRecord(random).toBuilder().clearOffsetDelta().build();
                records.addRecords(record);
                all.add(record);
            }
            result.addBatches(RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(base)
                    .setRecordCount(10).setFirstTimestampMs(1_000)).setRecords(records));
            base += 10;
        }
        byte[] wire = FetchResponse.newBuilder().addResults(result).build().toByteArray();
        FetchResponseView view = ViewFetch.parse(wire);
        assertThat(view.getResults(0).getBatchesList())
                .containsExactlyElementsOf(result.getBatchesList().stream().map(RecordBatch::toByteString).toList());

        FetchedRecords fetched = new FetchedRecords(TP, 0, view.getResults(0).getBatchesList());
        assertThat(fetched.nextOffsetAfter()).isEqualTo(70);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = 45;
        while (!fetched.isExhausted()) {
            // Small polls, so the cursor stops inside batches and at their ends.
            next = fetched.drainTo(out, 7, next, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        assertThat(next).isEqualTo(70);
        assertThat(out).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(45, 70).boxed().toList());
        for (ConsumerRecord<byte[], byte[]> record : out) {
            LogRecord expected = all.get((int) (record.offset() - 40));
            assertThat(record.value()).isEqualTo(expected.hasValue() ? expected.getValue().toByteArray() : null);
            assertThat(record.timestamp()).isEqualTo(1_000 + expected.getTimestampDeltaMs());
        }
    }
}
