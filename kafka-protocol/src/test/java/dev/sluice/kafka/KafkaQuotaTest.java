package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client quotas reach Kafka's own clients: the Kafka listener answers Produce and Fetch with the throttle time of the
 * same quotas the gRPC port enforces, and kafka-clients reports it (its throttle metrics) and waits it out.
 */
class KafkaQuotaTest {
    private static final double QUOTA_BYTES_PER_SECOND = 64 * 1024;
    private static final int RECORDS = 200;
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void kafkaProducerAndConsumerSeeTheThrottle() throws Exception {
        String topic = "kafka-quota";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (dev.sluice.client.Admin sluice = dev.sluice.client.Admin.create(
                Map.of("bootstrap.servers", node.grpcBootstrap()))) {
            sluice.alterClientQuotas(null, "kafka-slow-producer", Map.of("producer_byte_rate",
                    QUOTA_BYTES_PER_SECOND), List.of());
            sluice.alterClientQuotas(null, "kafka-slow-consumer", Map.of("consumer_byte_rate",
                    QUOTA_BYTES_PER_SECOND), List.of());
        }
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-slow-producer");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, new byte[1000])));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            assertThat(metric(producer.metrics(), "produce-throttle-time-max")).isPositive();
        }

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-slow-consumer");
        consumerConfig.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024);
        consumerConfig.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int consumed = 0;
            for (int round = 0; round < 600 && consumed < RECORDS; round++) {
                consumed += consumer.poll(Duration.ofMillis(100)).count();
            }
            assertThat(consumed).isEqualTo(RECORDS);
            assertThat(metric(consumer.metrics(), "fetch-throttle-time-max")).isPositive();
        }
    }

    private static String kafkaBootstrap() {
        return node.kafkaBootstrap();
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).max().orElse(Double.NaN);
    }
}
