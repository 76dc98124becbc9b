package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka's own tools (kafka-tools 4.1.1, unchanged, each in a JVM of its own) against a real Sluice node's Kafka
 * listener: VerifiableProducer with acks=all (every record reported acknowledged, and found at the offset it was
 * reported at), ProducerPerformance and EndToEndLatency (which itself checks that every record comes back intact).
 */
class KafkaToolsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void verifiableProducerWithAcksAllHasEveryRecordAcknowledgedAtItsOffset() throws Exception {
        String topic = "tools-verifiable";
        createTopic(topic, 3);
        int count = 1000;
        KafkaToolProcess.Result run = KafkaToolProcess.run("org.apache.kafka.tools.VerifiableProducer", LIMIT,
                "--bootstrap-server", node.kafkaBootstrap(), "--topic", topic, "--max-messages",
                String.valueOf(count), "--acks", "-1");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<JsonNode> events = events(run);
        assertThat(named(events, "producer_send_error")).as(run.describe()).isEmpty();
        List<JsonNode> acknowledged = named(events, "producer_send_success");
        Set<Integer> values = new TreeSet<>();
        Map<TopicPartition, Map<Long, String>> reported = new HashMap<>();
        for (JsonNode ack : acknowledged) {
            values.add(Integer.parseInt(ack.get("value").asText()));
            reported.computeIfAbsent(new TopicPartition(topic, ack.get("partition").asInt()), p -> new HashMap<>())
                    .put(ack.get("offset").asLong(), ack.get("value").asText());
        }
        assertThat(values).containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
        JsonNode toolData = named(events, "tool_data").get(0);
        assertThat(toolData.get("sent").asLong()).isEqualTo(count);
        assertThat(toolData.get("acked").asLong()).isEqualTo(count);
        assertThat(named(events, "shutdown_complete")).hasSize(1);
        assertThat(readAll(topic, 3, count)).isEqualTo(reported);
    }

    @Test
    void producerPerformanceSendsEveryRecord() throws Exception {
        String topic = "tools-producer-perf";
        createTopic(topic, 6);
        int count = 5000;
        KafkaToolProcess.Result run = KafkaToolProcess.run("org.apache.kafka.tools.ProducerPerformance", LIMIT,
                "--topic", topic, "--num-records", String.valueOf(count), "--record-size", "100", "--throughput",
                "-1", "--producer-props", "bootstrap.servers=" + node.kafkaBootstrap(), "acks=all", "linger.ms=0",
                "batch.size=8196", "enable.idempotence=false");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe())
                .anyMatch(line -> line.startsWith(count + " records sent, ") && line.endsWith(" ms 99.9th."));
        assertThat(endOffsetSum(topic, 6)).isEqualTo(count);
    }

    /** EndToEndLatency fails (non-zero exit) if a record does not come back, or comes back changed. */
    @Test
    void endToEndLatencyRoundTripsEveryRecord() throws Exception {
        String topic = "tools-e2e";
        createTopic(topic, 6);
        int count = 200;
        KafkaToolProcess.Result run = KafkaToolProcess.run("org.apache.kafka.tools.EndToEndLatency", LIMIT,
                node.kafkaBootstrap(), topic, String.valueOf(count), "all", "100");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).anyMatch(line -> line.startsWith("Avg latency: "))
                .anyMatch(line -> line.startsWith("Percentiles: 50th = "));
        assertThat(endOffsetSum(topic, 6)).isEqualTo(count);
    }

    /**
     * VerifiableConsumer subscribes (classic group protocol) and commits after each batch: every record is consumed
     * once, and the committed offsets reach each partition's end.
     */
    @Test
    void verifiableConsumerReadsEveryRecordOnceAndCommits() throws Exception {
        String topic = "tools-verifiable-consumer";
        createTopic(topic, 3);
        int count = 600;
        KafkaToolProcess.Result produced = KafkaToolProcess.run("org.apache.kafka.tools.VerifiableProducer", LIMIT,
                "--bootstrap-server", node.kafkaBootstrap(), "--topic", topic, "--max-messages",
                String.valueOf(count), "--acks", "-1");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();
        KafkaToolProcess.Result run = KafkaToolProcess.run("org.apache.kafka.tools.VerifiableConsumer", LIMIT,
                "--bootstrap-server", node.kafkaBootstrap(), "--topic", topic, "--group-id", "tools-verifiable",
                "--max-messages", String.valueOf(count), "--reset-policy", "earliest");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<JsonNode> events = events(run);
        assertThat(named(events, "partitions_assigned")).as(run.describe()).isNotEmpty();
        long consumed = named(events, "records_consumed").stream().mapToLong(e -> e.get("count").asLong()).sum();
        assertThat(consumed).isEqualTo(count);
        Map<Integer, Long> committed = new HashMap<>();
        for (JsonNode commit : named(events, "offsets_committed")) {
            assertThat(commit.get("success").asBoolean()).as(commit.toString()).isTrue();
            commit.get("offsets").forEach(o -> committed.merge(o.get("partition").asInt(), o.get("offset").asLong(),
                    Math::max));
        }
        assertThat(committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(count);
    }

    private static List<JsonNode> events(KafkaToolProcess.Result run) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : run.stdout()) {
            if (line.startsWith("{")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    private static List<JsonNode> named(List<JsonNode> events, String name) {
        return events.stream().filter(event -> name.equals(event.path("name").asText())).toList();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(properties);
    }

    private static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    private static long endOffsetSum(String topic, int partitions) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            return consumer.endOffsets(partitions(topic, partitions)).values().stream().mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Every record of the topic, by partition and offset, read with assigned partitions (no group). */
    private static Map<TopicPartition, Map<Long, String>> readAll(String topic, int partitions, int count) {
        Map<TopicPartition, Map<Long, String>> read = new HashMap<>();
        int total = 0;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(partitions(topic, partitions));
            while (total < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    read.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new HashMap<>())
                            .put(record.offset(), record.value());
                    total++;
                }
            }
        }
        return read;
    }
}
