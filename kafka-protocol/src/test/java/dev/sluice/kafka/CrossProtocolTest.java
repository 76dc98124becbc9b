package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both client protocols on the same partitions: records produced by Kafka's Java producer are consumed by Sluice's
 * gRPC consumer, and records produced by Sluice's gRPC producer by Kafka's consumer, each identically (offsets,
 * timestamps, keys and values including nulls, headers), compressed or not.
 */
class CrossProtocolTest {
    private static final int RECORDS = 100_000;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic("from-kafka", 2, (short) 1), new NewTopic("from-grpc", 2,
                    (short) 1))).all().get();
        }
    }

    /** One record, as either protocol's client sees it. */
    private record Seen(int partition, long offset, long timestamp, String key, String value, List<String> headers) {
    }

    @Test
    void kafkaProducerToGrpcConsumer() throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Map<String, Seen> expected = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("from-kafka", i % 2,
                        BASE_TIMESTAMP + i, key(i), value(i));
                if (i % 3 == 0) {
                    record.headers().add(new RecordHeader("h" + i, bytes("header-" + i)));
                }
                futures.add(producer.send(record));
            }
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata metadata = futures.get(i).get();
                expected.put(metadata.partition() + "@" + metadata.offset(), new Seen(metadata.partition(),
                        metadata.offset(), BASE_TIMESTAMP + i, text(key(i)), text(value(i)),
                        i % 3 == 0 ? List.of("h" + i + "=header-" + i) : List.of()));
            }
        }
        Map<String, Seen> seen = new HashMap<>();
        try (dev.sluice.client.Consumer<byte[], byte[]> consumer = new dev.sluice.client.Consumer<>(
                Map.of("bootstrap.servers", node.grpcBootstrap(), "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new dev.sluice.client.TopicPartition("from-kafka", 0),
                    new dev.sluice.client.TopicPartition("from-kafka", 1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < RECORDS && System.nanoTime() < deadline) {
                for (dev.sluice.client.ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.put(record.partition() + "@" + record.offset(), new Seen(record.partition(), record.offset(),
                            record.timestamp(), text(record.key()), text(record.value()),
                            record.headers().stream().map(h -> h.key() + "=" + text(h.value())).toList()));
                }
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void grpcProducerToKafkaConsumer() throws Exception {
        Map<String, Seen> expected = new HashMap<>();
        try (dev.sluice.client.Producer<byte[], byte[]> producer = new dev.sluice.client.Producer<>(
                Map.of("bootstrap.servers", node.grpcBootstrap(), "acks", "all", "linger.ms", 5,
                        "compression.type", "zstd"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<dev.sluice.client.RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                List<Header> headers = i % 3 == 0 ? List.of(new Header("h" + i, bytes("header-" + i))) : List.of();
                futures.add(producer.send(new dev.sluice.client.ProducerRecord<>("from-grpc", i % 2,
                        BASE_TIMESTAMP + i, key(i), value(i), headers)));
            }
            for (int i = 0; i < RECORDS; i++) {
                dev.sluice.client.RecordMetadata metadata = futures.get(i).get();
                expected.put(metadata.partition() + "@" + metadata.offset(), new Seen(metadata.partition(),
                        metadata.offset(), BASE_TIMESTAMP + i, text(key(i)), text(value(i)),
                        i % 3 == 0 ? List.of("h" + i + "=header-" + i) : List.of()));
            }
        }
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Seen> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("from-grpc", 0), new TopicPartition("from-grpc", 1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    List<String> headers = new ArrayList<>();
                    record.headers().forEach(h -> headers.add(h.key() + "=" + text(h.value())));
                    seen.put(record.partition() + "@" + record.offset(), new Seen(record.partition(), record.offset(),
                            record.timestamp(), text(record.key()), text(record.value()), headers));
                }
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void committedOffsetsAreSharedAcrossProtocols() {
        String group = "shared-offsets";
        TopicPartition kafkaPartition = new TopicPartition("from-kafka", 0);
        dev.sluice.client.TopicPartition sluicePartition = new dev.sluice.client.TopicPartition("from-grpc", 1);
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(List.of(kafkaPartition));
            consumer.commitSync(Map.of(kafkaPartition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(
                    123, "from kafka")));
        }
        try (dev.sluice.client.Consumer<byte[], byte[]> consumer = new dev.sluice.client.Consumer<>(
                Map.of("bootstrap.servers", node.grpcBootstrap(), "group.id", group, "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            dev.sluice.client.OffsetAndMetadata committed = consumer.committed(
                    new dev.sluice.client.TopicPartition("from-kafka", 0));
            assertThat(committed.offset()).isEqualTo(123);
            assertThat(committed.metadata()).isEqualTo("from kafka");
            consumer.assign(List.of(sluicePartition));
            consumer.commitSync(Map.of(sluicePartition, new dev.sluice.client.OffsetAndMetadata(45, "from grpc")));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicPartition fromGrpc = new TopicPartition("from-grpc", 1);
            var committed = consumer.committed(java.util.Set.of(fromGrpc, kafkaPartition));
            assertThat(committed.get(fromGrpc).offset()).isEqualTo(45);
            assertThat(committed.get(fromGrpc).metadata()).isEqualTo("from grpc");
            assertThat(committed.get(kafkaPartition).offset()).isEqualTo(123);
            consumer.assign(List.of(fromGrpc));
            assertThat(consumer.position(fromGrpc)).isEqualTo(45);
        }
    }

    /** Every 5th key null, every 7th value null (a tombstone). */
    private static byte[] key(int i) {
        return i % 5 == 1 ? null : bytes("key-" + i);
    }

    private static byte[] value(int i) {
        return i % 7 == 2 ? null : bytes("value-" + i);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
