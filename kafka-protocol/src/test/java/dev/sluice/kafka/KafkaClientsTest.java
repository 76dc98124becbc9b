package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Apache Java client (kafka-clients 4.1.1, unchanged) against a real Sluice node's Kafka listener: the
 * idempotent producer with acks=all, a consumer with manual assignment, Admin topic operations, every codec.
 */
class KafkaClientsTest {
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void idempotentProducerRecordsReadBackIdenticallyByAssignedConsumer() throws Exception {
        String topic = "round-trip";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        List<ProducerRecord<byte[], byte[]>> sent = records(topic, 600);
        List<RecordMetadata> acknowledged = produce(sent, "none");
        List<ConsumerRecord<byte[], byte[]>> received = consumeAll(topic, 3, sent.size());
        assertSameRecords(sent, acknowledged, received);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesRoundTrip(String codec) throws Exception {
        String topic = "codec-" + codec;
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        List<ProducerRecord<byte[], byte[]>> sent = records(topic, 200);
        List<RecordMetadata> acknowledged = produce(sent, codec);
        assertSameRecords(sent, acknowledged, consumeAll(topic, 1, sent.size()));
    }

    @Test
    void adminCreatesDescribesAndDeletesTopics() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("admin-a", 4, (short) 1), new NewTopic("admin-b", 1, (short) 1)))
                    .all().get();
            Map<String, TopicDescription> described = admin.describeTopics(List.of("admin-a", "admin-b"))
                    .allTopicNames().get();
            assertThat(described.get("admin-a").partitions()).hasSize(4);
            assertThat(described.get("admin-a").topicId()).isNotEqualTo(Uuid.ZERO_UUID);
            assertThat(described.get("admin-a").partitions().get(0).leader().port()).isEqualTo(node.kafkaPort());
            assertThat(admin.describeCluster().nodes().get()).singleElement()
                    .satisfies(broker -> assertThat(broker.port()).isEqualTo(node.kafkaPort()));
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-a", 1, (short) 1))).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TopicExistsException.class);

            admin.deleteTopics(List.of("admin-a")).all().get();
            assertThat(admin.listTopics().names().get()).contains("admin-b").doesNotContain("admin-a");
            assertThatThrownBy(() -> admin.describeTopics(List.of("admin-a")).allTopicNames().get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void adminDescribesTopicConfigsWithTheirSources() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("configs", 1, (short) 1)
                    .configs(Map.of("retention.ms", "3600000")))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configs");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
            assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(config.get("cleanup.policy").isDefault()).isTrue();
        }
    }

    @Test
    void adminAltersTopicConfigsIncrementally() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("alter-configs", 1, (short) 1)
                    .configs(Map.of("retention.ms", "3600000")))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "alter-configs");
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "2048"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                    .all().get();
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").isDefault()).isTrue();
            assertThat(config.get("max.message.bytes").value()).isEqualTo("2048");
            assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");

            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "4096"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("min.insync.replicas", "two"), AlterConfigOp.OpType.SET))))
                    .all().get()).hasCauseInstanceOf(InvalidConfigurationException.class);
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.APPEND))))
                    .all().get()).hasCauseInstanceOf(InvalidConfigurationException.class);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("max.message.bytes").value()).as("a refused change applies nothing").isEqualTo("2048");
        }
    }

    @Test
    void committingAnOffsetOfAPartitionThatDoesNotExistIsRefused() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("commit-known", 1, (short) 1))).all().get();
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("commit-known", 0),
                    new OffsetAndMetadata(0), new TopicPartition("commit-known", 5), new OffsetAndMetadata(1),
                    new TopicPartition("no-such-topic", 0), new OffsetAndMetadata(2));
            var altered = admin.alterConsumerGroupOffsets("commit-known-group", offsets);
            altered.partitionResult(new TopicPartition("commit-known", 0)).get();
            assertThatThrownBy(() -> altered.partitionResult(new TopicPartition("commit-known", 5)).get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            assertThatThrownBy(() -> altered.partitionResult(new TopicPartition("no-such-topic", 0)).get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            assertThat(admin.listConsumerGroupOffsets("commit-known-group").partitionsToOffsetAndMetadata().get())
                    .containsOnlyKeys(new TopicPartition("commit-known", 0));
        }
    }

    /**
     * acks=0 gets no response: the Java producer expects none, and an answer would break the next request's
     * correlation (the client fails the connection on a mismatched correlation id).
     */
    @Test
    void acksZeroRecordsArriveWithoutResponses() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("acks-zero", 1, (short) 1))).all().get();
        }
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "0");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("acks-zero", ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        List<ConsumerRecord<byte[], byte[]>> received = consumeAll("acks-zero", 1, 300);
        assertThat(received).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 300).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void producingToAnUnknownTopicCreatesIt() throws Exception {
        List<ProducerRecord<byte[], byte[]>> sent = records("auto-created", 10);
        produce(sent, "none");
        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of("auto-created")).allTopicNames().get().get("auto-created")
                    .partitions()).hasSize(1);
        }
    }

    static List<ProducerRecord<byte[], byte[]>> records(String topic, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long baseTimestamp = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] key = i % 7 == 3 ? null : ("key-" + (i % 50)).getBytes(StandardCharsets.UTF_8);
            byte[] value = i % 11 == 5 ? null : ("value-" + i + "-" + "x".repeat(i % 40))
                    .getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key == null ? i % 3 % partitions(topic)
                    : null, baseTimestamp + i * 13L, key, value);
            if (i % 4 == 0) {
                record.headers().add(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8)));
                record.headers().add(new RecordHeader("empty", new byte[0]));
            }
            records.add(record);
        }
        return records;
    }

    private static int partitions(String topic) {
        return topic.equals("round-trip") ? 3 : 1;
    }

    static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records, String codec)
            throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, "4096");
        List<RecordMetadata> acknowledged = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            records.forEach(record -> futures.add(producer.send(record)));
            for (Future<RecordMetadata> future : futures) {
                acknowledged.add(future.get());
            }
        }
        return acknowledged;
    }

    static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int partitions, int expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "2048");
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }

    /** Same records in each partition's order, at the acknowledged offsets, field for field. */
    static void assertSameRecords(List<ProducerRecord<byte[], byte[]>> sent, List<RecordMetadata> acknowledged,
                                  List<ConsumerRecord<byte[], byte[]>> received) {
        assertThat(received).hasSize(sent.size());
        Map<String, ConsumerRecord<byte[], byte[]>> byPosition = new java.util.HashMap<>();
        received.forEach(record -> byPosition.put(record.partition() + "@" + record.offset(), record));
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> expected = sent.get(i);
            RecordMetadata metadata = acknowledged.get(i);
            ConsumerRecord<byte[], byte[]> actual = byPosition.get(metadata.partition() + "@" + metadata.offset());
            assertThat(actual).as("record %d at %s-%d@%d", i, expected.topic(), metadata.partition(),
                    metadata.offset()).isNotNull();
            assertThat(actual.key()).isEqualTo(expected.key());
            assertThat(actual.value()).isEqualTo(expected.value());
            assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
            assertThat(Arrays.asList(actual.headers().toArray())).isEqualTo(Arrays.asList(expected.headers()
                    .toArray()));
        }
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()));
    }
}
