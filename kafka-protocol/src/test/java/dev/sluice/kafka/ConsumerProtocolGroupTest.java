package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Apache Java consumer with {@code group.protocol=consumer} (KIP-848's ConsumerGroupHeartbeat) against a real
 * Sluice node: two members split a topic's partitions with no partition owned twice, every record is consumed, the
 * members' commits (checked against their member epochs) land, and when one leaves the other takes everything.
 */
class ConsumerProtocolGroupTest {
    private static final String TOPIC = "kip848";
    private static final String GROUP = "kip848-group";
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void membersSplitPartitionsCommitAndTakeOverWhenOneLeaves() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        List<ProducerRecord<byte[], byte[]>> sent = KafkaClientsTest.records(TOPIC, 400);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : sent) {
                producer.send(record);
            }
            producer.flush();
        }
        Set<String> consumed = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> first = consumer("first");
             KafkaConsumer<byte[], byte[]> second = consumer("second")) {
            first.subscribe(List.of(TOPIC));
            pollUntil(List.of(first), consumed, () -> first.assignment().size() == 4);
            second.subscribe(List.of(TOPIC));
            pollUntil(List.of(first, second), consumed, () -> first.assignment().size() == 2
                    && second.assignment().size() == 2);
            assertThat(first.assignment()).doesNotContainAnyElementsOf(second.assignment());
            pollUntil(List.of(first, second), consumed, () -> caughtUp(first) && caughtUp(second));
            assertThat(consumed).hasSize(sent.size());
            first.commitSync();
            second.commitSync();

            second.close();
            pollUntil(List.of(first), consumed, () -> first.assignment().size() == 4 && caughtUp(first));
            first.commitSync();
        }
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                    .as("committed offsets cover every record").isEqualTo(sent.size());
        }
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, Set<String> consumed,
                                  BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached within 60 s").isLessThan(deadline);
            for (KafkaConsumer<byte[], byte[]> consumer : consumers) {
                consumer.poll(Duration.ofMillis(100))
                        .forEach(record -> consumed.add(record.partition() + "@" + record.offset()));
            }
        }
    }

    /** Whether the consumer's position on each partition it owns is that partition's end. */
    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, Long> ends = consumer.endOffsets(owned);
        return owned.stream().allMatch(partition -> consumer.position(partition) == ends.get(partition));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()));
    }
}
