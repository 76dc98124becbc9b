package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cleanup.policy=compact topic on a real node: consumers end up seeing the latest value per key only. */
class CompactedTopicTest {
    @TempDir
    Path dataDir;

    @Test
    void theCleanerLeavesTheLatestValuePerKeyAndDropsExpiredTombstones() throws Exception {
        try (Node node = TestNode.start(dataDir, Map.of(NodeConfig.RETENTION_CHECK_INTERVAL_MS, "100"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("table", 1, (short) 1,
                    Map.of("cleanup.policy", "compact", "delete.retention.ms", "0"))));
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "compression.type", "snappy", "batch.size", 512), new StringSerializer(),
                    new StringSerializer())) {
                for (int round = 0; round < 5; round++) {
                    for (int key = 0; key < 20; key++) {
                        producer.send(new ProducerRecord<>("table", "k" + key, "v" + round + "-" + key));
                    }
                }
                for (int key = 0; key < 5; key++) {
                    producer.send(new ProducerRecord<>("table", "k" + key, null));
                }
                producer.send(new ProducerRecord<>("table", "k5", "last"));
                producer.flush();
            }
            Map<String, String> expected = new LinkedHashMap<>();
            for (int key = 6; key < 20; key++) {
                expected.put("k" + key, "v4-" + key);
            }
            expected.put("k5", "last");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<ConsumerRecord<String, String>> records = readAll(node);
            while (records.size() != expected.size() && System.nanoTime() < deadline) {
                records = readAll(node);
            }
            Map<String, String> seen = new LinkedHashMap<>();
            long previousOffset = -1;
            for (ConsumerRecord<String, String> record : records) {
                assertThat(record.offset()).isGreaterThan(previousOffset);
                previousOffset = record.offset();
                seen.put(record.key(), record.value());
            }
            assertThat(seen).isEqualTo(expected);
            assertThat(records.get(records.size() - 1).offset()).as("offsets are kept").isEqualTo(105);
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(Node node) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("table"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The log ends at offset 106; the consumer's position passes removed offsets too.
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
                Set<TopicPartition> assigned = consumer.assignment();
                if (!assigned.isEmpty() && consumer.position(assigned.iterator().next()) >= 106) {
                    break;
                }
            }
        }
        return all;
    }
}
