package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.client.Header;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The producer's hand-written bytes read the way the broker reads them: a request from {@link EncodedProduceRequest}
 * parsed as the broker's {@code ProduceRequestView}, whose batch carries the CRC32C the broker computes with
 * {@link BatchChecksum} and records that decompress, with the broker's bounded decoder, to what was appended.
 */
class ProducerBatchWireTest {
    private static final TopicPartition TP = new TopicPartition("orders", 5);

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_NONE", "CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void theProducersCrcIsTheBrokersCrcOfTheSameBatch(Codec codec) throws Exception {
        ProducerBatch batch = new ProducerBatch(TP, new byte[8192], 8192, 0, codec);
        for (int i = 0; i < 30; i++) {
            List<Header> headers = i % 3 == 0 ? List.of(new Header("trace", bytes("t" + i))) : List.of();
            batch.tryAppend(1_000 + i, i % 4 == 0 ? null : bytes("key-" + i), bytes(("value-" + i).repeat(4)), headers,
                    null);
        }
        batch.close();
        batch.setProducerState(17, 2, 40);

        ProduceRequestView request = ProduceRequestView.parseFrom(
                EncodedProduceRequest.encode(-1, 5_000, List.of(batch)).toByteArray());
        ProducePartitionView partition = request.getPartitions(0);
        RecordBatchView view = partition.getBatch();

        assertThat(partition.getTopic()).isEqualTo("orders");
        assertThat(partition.getPartition()).isEqualTo(5);
        assertThat(view.getHeader().getCodec()).isEqualTo(codec);
        assertThat(view.getHeader().getProducerId()).isEqualTo(17);
        assertThat(view.getHeader().getBaseSequence()).isEqualTo(40);
        assertThat(view.getHeader().hasCrc32C()).isTrue();
        assertThat(view.getHeader().getCrc32C()).isEqualTo(BatchChecksum.crc32c(view));
        assertThat(view.getCompressedRecords().isEmpty()).isEqualTo(codec == Codec.CODEC_NONE);
        assertThat(view.getRecords().isEmpty()).isEqualTo(codec != Codec.CODEC_NONE);

        byte[] records = codec == Codec.CODEC_NONE ? view.getRecords().toByteArray()
                : BatchCompression.decompress(codec, view.getCompressedRecords().toByteArray(), 64 * 8192);
        assertThat(ByteString.copyFrom(records))
                .isEqualTo(ByteString.copyFrom(batch.recordsBuffer(), 0, batch.recordsSize()));
        assertThat(Records.parseFrom(records).getRecordsCount()).isEqualTo(30);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
