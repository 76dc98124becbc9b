package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compressed batches and the idempotent producer against a real node on loopback. */
class CompressionAndIdempotenceTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void eachCodecRoundTripsAndIsStoredCompressed(String codec) throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            String topic = "codec-" + codec;
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1, Map.of())));
            int count = 2_000;
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "compression.type", codec, "linger.ms", 5), new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, json(i)));
                }
                producer.flush();
            }
            List<ConsumerRecord<String, String>> records = consumeAll(node, topic, count);
            assertThat(records).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(records.get(i).offset()).isEqualTo(i);
                assertThat(records.get(i).key()).isEqualTo("k" + i);
                assertThat(records.get(i).value()).isEqualTo(json(i));
            }
            RecordBatch first = rawFetch(node, topic).get(0);
            assertThat(first.getHeader().getCodec().name()).isEqualTo("CODEC_" + codec.toUpperCase());
            assertThat(first.getCompressedRecords().size()).isPositive();
            assertThat(first.hasRecords()).isFalse();
        }
    }

    @Test
    void replayedBatchIsADuplicateAndAGapIsRefusedAlsoAfterARestart() throws Exception {
        long producerId;
        long firstOffset;
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("idem", 1, (short) 1, Map.of())));
            ManagedChannel channel = channel(node);
            try {
                BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
                InitProducerIdResponse init = broker.initProducerId(InitProducerIdRequest.getDefaultInstance());
                assertThat(init.getError()).isEqualTo(ErrorCode.NONE);
                assertThat(broker.initProducerId(InitProducerIdRequest.getDefaultInstance()).getProducerId())
                        .isNotEqualTo(init.getProducerId());
                producerId = init.getProducerId();
                ProducePartitionResult written = produce(broker, batch(producerId, 0, 3));
                assertThat(written.getError()).isEqualTo(ErrorCode.NONE);
                firstOffset = written.getBaseOffset();
                // The response was "lost": the same request again is answered with the original offset.
                ProducePartitionResult replay = produce(broker, batch(producerId, 0, 3));
                assertThat(replay.getError()).isEqualTo(ErrorCode.NONE);
                assertThat(replay.getBaseOffset()).isEqualTo(firstOffset);
                assertThat(produce(broker, batch(producerId + 1000, 4, 1)).getError())
                        .as("a producer the leader has no state for").isEqualTo(ErrorCode.UNKNOWN_PRODUCER_ID);
                ProducePartitionResult gap = produce(broker, batch(producerId, 5, 2));
                assertThat(gap.getError()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
                assertThat(produce(broker, batch(producerId, 3, 2)).getBaseOffset()).isEqualTo(firstOffset + 3);
            } finally {
                channel.shutdownNow();
            }
            assertThat(consumeAll(node, "idem", 5)).hasSize(5);
        }
        try (Node node = TestNode.start(dataDir)) {
            ManagedChannel channel = channel(node);
            try {
                BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
                // Producer state came back from the partition state: both batches are still recognised.
                assertThat(produce(broker, batch(producerId, 0, 3)).getBaseOffset()).isEqualTo(firstOffset);
                assertThat(produce(broker, batch(producerId, 3, 2)).getBaseOffset()).isEqualTo(firstOffset + 3);
                assertThat(produce(broker, batch(producerId, 9, 1)).getError())
                        .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
                assertThat(produce(broker, batch(producerId, 5, 1)).getBaseOffset()).isEqualTo(firstOffset + 5);
            } finally {
                channel.shutdownNow();
            }
            assertThat(consumeAll(node, "idem", 6)).hasSize(6);
        }
    }

    @Test
    void idempotentProducerWithFiveInFlightKeepsOrderWithoutDuplicates() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("ordered", 2, (short) 1, Map.of())));
            int count = 20_000;
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "batch.size", 2048, "linger.ms", 0,
                    "max.in.flight.requests.per.connection", 5, "compression.type", "lz4"),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>("ordered", i % 2, null, Integer.toString(i)));
                }
                producer.flush();
            }
            Map<Integer, Integer> last = new HashMap<>();
            List<ConsumerRecord<String, String>> records = consumeAll(node, "ordered", count);
            assertThat(records).hasSize(count);
            for (ConsumerRecord<String, String> record : records) {
                int value = Integer.parseInt(record.value());
                Integer previous = last.put(record.partition(), value);
                assertThat(value).isEqualTo(previous == null ? record.partition() : previous + 2);
            }
        }
    }

    static String json(int i) {
        return "{\"id\":" + i + ",\"name\":\"member-" + (i % 97) + "\",\"email\":\"member" + (i % 97)
                + "@example.com\",\"event\":\"signup\",\"tags\":[\"a\",\"b\"]}";
    }

    private static ManagedChannel channel(Node node) {
        return ManagedChannelBuilder.forTarget(node.bootstrapServers()).usePlaintext().build();
    }

    private static RecordBatch batch(long producerId, int baseSequence, int count) {
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < count; i++) {
            records.addRecords(LogRecord.newBuilder().setValue(ByteString.copyFromUtf8("seq-" + (baseSequence + i))));
        }
        return RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setRecordCount(count)
                .setProducerId(producerId).setBaseSequence(baseSequence).setFirstTimestampMs(1)
                .setMaxTimestampMs(1)).setRecords(records).build();
    }

    private static ProducePartitionResult produce(BrokerGrpc.BrokerBlockingStub broker, RecordBatch batch) {
        return broker.withDeadlineAfter(10, TimeUnit.SECONDS).produce(ProduceRequest.newBuilder().setAcks(-1)
                .addPartitions(ProducePartition.newBuilder().setTopic("idem").setBatch(batch)).build())
                .getResults(0);
    }

    private static List<RecordBatch> rawFetch(Node node, String topic) {
        ManagedChannel channel = channel(node);
        try {
            return BrokerGrpc.newBlockingStub(channel).fetch(FetchRequest.newBuilder().setMaxBytes(1 << 20)
                    .addPartitions(FetchPartition.newBuilder().setTopic(topic).setPartitionMaxBytes(1 << 20))
                    .build()).getResults(0).getBatchesList();
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(Node node, String topic, int count) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (all.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
