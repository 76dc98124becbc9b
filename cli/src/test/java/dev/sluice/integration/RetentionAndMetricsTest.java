package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background retention by size and by time on a real node, and the HTTP metrics and health endpoints. */
class RetentionAndMetricsTest {
    @TempDir
    Path dataDir;

    @Test
    void retentionDeletesOldBatchesAndConsumersResetPastThem() throws Exception {
        try (Node node = TestNode.start(dataDir, Map.of(NodeConfig.RETENTION_CHECK_INTERVAL_MS, "200"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic("by-size", 1, (short) 1, Map.of("retention.bytes", "3000")),
                    new NewTopic("by-time", 1, (short) 1, Map.of("retention.ms", "500"))));
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "linger.ms", 0), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    // One synchronous send per record: one batch each, so retention has many batches to drop.
                    producer.send(new ProducerRecord<>("by-size", null, "size-" + i + "-" + "x".repeat(80))).get();
                    producer.send(new ProducerRecord<>("by-time", null, "time-" + i)).get();
                }
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                PartitionDescription bySize = firstPartition(admin, "by-size");
                assertThat(bySize.logStartOffset()).isGreaterThan(50);
                assertThat(bySize.logEndOffset()).isEqualTo(100);
                PartitionDescription byTime = firstPartition(admin, "by-time");
                assertThat(byTime.logStartOffset()).isGreaterThan(90);
            });
            long logStart = firstPartition(admin, "by-size").logStartOffset();
            try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "auto.offset.reset", "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("by-size", 0);
                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);  // below the log start: out of range, reset to the earliest offset
                ConsumerRecord<String, String> first = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (first == null && System.nanoTime() < deadline) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    if (records.count() > 0) {
                        first = records.iterator().next();
                    }
                }
                assertThat(first).isNotNull();
                assertThat(first.offset()).isGreaterThanOrEqualTo(logStart);
            }
        }
    }

    @Test
    void metricsHealthAndReadinessAreServedOverHttp() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("metered", 1, (short) 1, Map.of())));
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("metered", "k", "v")).get();
            }
            try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.assign(List.of(new TopicPartition("metered", 0)));
                int read = 0;
                long deadline = System.currentTimeMillis() + 20_000;
                while (read == 0 && System.currentTimeMillis() < deadline) {
                    read = consumer.poll(Duration.ofMillis(200)).count();
                }
                assertThat(read).isEqualTo(1);
            }
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.httpPort();
            assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
            String metrics = get(http, base + "/metrics").body();
            // The producer's requests travel on a produce stream and the consumer's on a fetch stream, timed one by
            // one; the calls are counted when they end (metadata calls, say: a stream may still be closing).
            assertThat(metrics)
                    .contains("sluice_rpc_request_duration_seconds_count{method=\"sluice.v1.Broker/ProduceStream\"")
                    .contains("sluice_rpc_request_duration_seconds_count{method=\"sluice.v1.Broker/FetchStream\"")
                    .contains("sluice_rpc_requests_total{method=\"sluice.v1.Broker/Metadata\"")
                    .contains("sluice_topic_bytes_in_total{node=\"1\",topic=\"metered\"}")
                    .contains("sluice_log_end_offset{")
                    .contains("sluice_rocksdb_")
                    .contains("jvm_memory_used_bytes");
        }
    }

    private static PartitionDescription firstPartition(Admin admin, String topic) {
        return admin.describeTopics(List.of(topic)).get(topic).partitions().get(0);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
