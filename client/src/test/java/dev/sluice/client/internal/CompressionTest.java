package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Compressed batches on the client side: the producer's batches are read back by the consumer's decoder. */
class CompressionTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_NONE", "CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void aProducerBatchIsReadBackByTheConsumerDecoder(Codec codec) {
        ProducerBatch batch = new ProducerBatch(TP, new byte[4096], 4096, 0, codec);
        for (int i = 0; i < 20; i++) {
            batch.tryAppend(1000 + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i).repeat(5).getBytes(StandardCharsets.UTF_8), List.of(), null);
        }
        batch.close();
        RecordBatch proto = batch.toProto();
        assertThat(proto.getHeader().getCodec()).isEqualTo(codec);
        assertThat(proto.getCompressedRecords().isEmpty()).isEqualTo(codec == Codec.CODEC_NONE);
        RecordBatch stored = proto.toBuilder().setHeader(proto.getHeader().toBuilder().setBaseOffset(100)).build();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = new FetchedRecords(TP, 0, List.of(stored.toByteString())).drainTo(out, 100, 105,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(next).isEqualTo(120);
        assertThat(out).hasSize(15);
        assertThat(out.get(0).offset()).isEqualTo(105);
        assertThat(new String(out.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("value-5".repeat(5));
        assertThat(out.get(0).timestamp()).isEqualTo(1005);
    }

    @Test
    void compactedBatchesUseOffsetDeltasAndEmptyBatchesAreSkipped() {
        Records kept = Records.newBuilder()
                .addRecords(LogRecord.newBuilder().setKey(ByteString.copyFromUtf8("a")).setOffsetDelta(1))
                .addRecords(LogRecord.newBuilder().setKey(ByteString.copyFromUtf8("b")).setOffsetDelta(3)).build();
        RecordBatch compacted = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(10)
                .setRecordCount(2).setLastOffsetDelta(4)).setRecords(kept).build();
        RecordBatch empty = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(15)
                .setRecordCount(0).setLastOffsetDelta(2)).build();
        FetchedRecords fetched = new FetchedRecords(TP, 0, List.of(compacted.toByteString(), empty.toByteString()));
        assertThat(fetched.nextOffsetAfter()).isEqualTo(18);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = fetched.drainTo(out, 100, 12, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(out).extracting(ConsumerRecord::offset).containsExactly(13L);
        assertThat(next).as("the position moves past removed offsets").isEqualTo(18);
        assertThat(fetched.isExhausted()).isTrue();
    }

    @Test
    void anUnknownCodecIsUnsupportedAndGarbageIsCorrupt() {
        RecordBatch unknown = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setRecordCount(1)
                .setCodecValue(9)).setCompressedRecords(ByteString.copyFromUtf8("x")).build();
        assertThatThrownBy(() -> new FetchedRecords(TP, 0, List.of(unknown.toByteString()))
                .drainTo(new ArrayList<>(), 1, 0, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("cannot decompress");
        RecordBatch garbage = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setRecordCount(1)
                .setCodec(Codec.CODEC_GZIP)).setCompressedRecords(ByteString.copyFromUtf8("not gzip")).build();
        assertThatThrownBy(() -> new FetchedRecords(TP, 0, List.of(garbage.toByteString()))
                .drainTo(new ArrayList<>(), 1, 0, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("does not decompress");
    }
}
