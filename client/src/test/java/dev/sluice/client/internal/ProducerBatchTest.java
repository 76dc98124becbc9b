package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Header;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ProducerBatchTest {
    private static final TopicPartition TP = new TopicPartition("orders", 3);

    @Test
    void encodesRecordsAsProtobufWithHeaderAndCrc() throws Exception {
        ProducerBatch batch = new ProducerBatch(TP, new byte[1024], 1024, 0);
        batch.tryAppend(1000, bytes("k1"), bytes("v1"), List.of(), null);
        batch.tryAppend(1005, null, bytes("v2"), List.of(new Header("h", bytes("x"))), null);
        batch.tryAppend(990, bytes(""), null, List.of(), null);
        RecordBatch proto = batch.toProto();

        assertThat(proto.getHeader().getRecordCount()).isEqualTo(3);
        assertThat(proto.getHeader().getFirstTimestampMs()).isEqualTo(1000);
        assertThat(proto.getHeader().getMaxTimestampMs()).isEqualTo(1005);
        List<LogRecord> records = proto.getRecords().getRecordsList();
        assertThat(records.get(0).getKey().toStringUtf8()).isEqualTo("k1");
        assertThat(records.get(0).getTimestampDeltaMs()).isZero();
        assertThat(records.get(1).hasKey()).isFalse();
        assertThat(records.get(1).getHeaders(0).getKey()).isEqualTo("h");
        assertThat(records.get(1).getTimestampDeltaMs()).isEqualTo(5);
        assertThat(records.get(2).hasKey()).isTrue();
        assertThat(records.get(2).getKey().size()).isZero();
        assertThat(records.get(2).hasValue()).isFalse();
        assertThat(records.get(2).getTimestampDeltaMs()).isEqualTo(-10);

        CRC32C crc = new CRC32C();
        byte[] recordsBytes = proto.getRecords().toByteArray();
        crc.update(recordsBytes);
        assertThat(proto.getHeader().getCrc32C()).isEqualTo((int) crc.getValue());
        assertThat(recordsBytes.length).isEqualTo(batch.recordsSize());
    }

    @Test
    void eachCallbackGetsItsOwnRecordsOffsetAndTimestampOnce() {
        ProducerBatch batch = new ProducerBatch(TP, new byte[4096], 4096, 0);
        List<String> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {  // past the callback arrays' first capacity
            int record = i;
            dev.sluice.client.Callback callback = i % 3 == 0 ? null : (metadata, error) ->
                    calls.add(record + ":" + metadata.offset() + "@" + metadata.timestamp() + "/" + error);
            batch.tryAppend(1000 + i, null, bytes("v" + i), List.of(), callback);
        }

        batch.complete(500, -1);
        batch.complete(500, -1);

        assertThat(calls).hasSize(26).contains("1:501@1001/null", "2:502@1002/null", "38:538@1038/null")
                .doesNotContain("0:500@1000/null", "39:539@1039/null");
    }

    @Test
    void aFailedBatchGivesEveryCallbackTheErrorAndNoMetadata() {
        ProducerBatch batch = new ProducerBatch(TP, new byte[1024], 1024, 0);
        List<Object> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.tryAppend(1000, null, bytes("v"), List.of(), (metadata, error) -> {
                seen.add(metadata);
                seen.add(error.getMessage());
            });
        }

        batch.fail(new IllegalStateException("gone"));

        assertThat(seen).containsExactly(null, "gone", null, "gone", null, "gone");
    }

    @Test
    void reportsFullWhenNextRecordDoesNotFitOrTargetReached() {
        ProducerBatch batch = new ProducerBatch(TP, new byte[100], 100, 0);
        int appended = 0;
        while (batch.tryAppend(0, null, new byte[20], List.of(), null) != null) {
            appended++;
        }
        assertThat(appended).isEqualTo(4);
        assertThat(batch.isFull()).isTrue();
        assertThat(ProducerBatch.recordSize(0, null, new byte[20], List.of())).isEqualTo(24);
    }

    @Test
    void encodedProduceRequestParsesAsProduceRequest() throws Exception {
        ProducerBatch a = new ProducerBatch(TP, new byte[256], 256, 0);
        a.tryAppend(5, bytes("k"), bytes("v"), List.of(), null);
        ProducerBatch b = new ProducerBatch(new TopicPartition("orders", 0), new byte[256], 256, 0);
        b.tryAppend(6, null, bytes("w"), List.of(), null);
        a.close();
        b.close();
        EncodedProduceRequest encoded = EncodedProduceRequest.encode(-1, 30000, List.of(a, b));
        ProduceRequest request = ProduceRequest.parseFrom(encoded.toByteArray());

        assertThat(request.getAcks()).isEqualTo(-1);
        assertThat(request.getTimeoutMs()).isEqualTo(30000);
        ProducePartition first = request.getPartitions(0);
        assertThat(first.getTopic()).isEqualTo("orders");
        assertThat(first.getPartition()).isEqualTo(3);
        assertThat(first.getBatch()).isEqualTo(a.toProto());
        assertThat(request.getPartitions(1).getPartition()).isZero();
        assertThat(request.getPartitions(1).getBatch().getRecords().getRecords(0).getValue().toStringUtf8())
                .isEqualTo("w");
        assertThat(ProduceRequest.parseFrom(EncodedProduceRequest.encode(0, 0, List.of(a)).toByteArray()).getAcks())
                .isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
