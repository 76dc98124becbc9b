package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.TopicPartition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's measured check: a producer and a consumer with byte-rate quotas, each running flat out against a real
 * node for a bounded time, move bytes at their quota (within 10 %) and are told to wait (throttle time above 0).
 * The rate is measured after a warm-up second and a half, because a new client may send one second's worth at once
 * (docs/security.md, "Quotas"). The clients alone could go many times faster than the quotas here, so a slow shared
 * machine does not push the rate below the bound.
 */
@Tag("integration")
class QuotaThrottlingTest {
    private static final double QUOTA_BYTES_PER_SECOND = 256 * 1024;
    private static final int VALUE_BYTES = 1000;
    private static final long WARM_UP_MS = 1500;
    private static final long PRODUCE_MS = 9000;
    private static final long CONSUME_MS = 7000;

    @TempDir
    Path dataDir;

    @Test
    void producerAndConsumerAreHeldToTheirByteRates() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("metered", 1, (short) 1, Map.of())));
            admin.alterClientQuotas(null, "slow-producer", Map.of("producer_byte_rate", QUOTA_BYTES_PER_SECOND),
                    List.of());
            admin.alterClientQuotas(null, "slow-consumer", Map.of("consumer_byte_rate", QUOTA_BYTES_PER_SECOND),
                    List.of());

            Map<String, Double> producerMetrics = produce(node);
            assertThat(producerMetrics.get("produce-throttle-time-max")).isPositive();
            Map<String, Double> consumerMetrics = consume(node);
            assertThat(consumerMetrics.get("fetch-throttle-time-total")).isPositive();

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("sluice_quota_throttle_time_ms_total\\{.*quota_entity=\""
                    + "client-id=slow-producer\".*quota_type=\"producer_byte_rate\".*} [1-9]")
                    .contains("sluice_quota_limit{node=\"1\",quota_entity=\"client-id=slow-consumer\","
                            + "quota_type=\"consumer_byte_rate\"} 262144.0");
        }
    }

    private static Map<String, Double> produce(Node node) throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        new SplittableRandom(7).nextBytes(value);
        AtomicLong ackedBytes = new AtomicLong();
        try (Producer<byte[], byte[]> producer = new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "client.id", "slow-producer", "linger.ms", 5, "buffer.memory", 128 * 1024,
                "batch.size", 16 * 1024, "acks", "1"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            RateWindow window = new RateWindow(ackedBytes);
            while (window.running(PRODUCE_MS)) {
                producer.send(new ProducerRecord<>("metered", null, value), (metadata, failure) -> {
                    if (failure == null) {
                        ackedBytes.addAndGet(VALUE_BYTES);
                    }
                });
            }
            window.assertRateWithinTenPercent("producer");
            return producer.metrics();
        }
    }

    private static Map<String, Double> consume(Node node) {
        TopicPartition partition = new TopicPartition("metered", 0);
        AtomicLong consumedBytes = new AtomicLong();
        try (Consumer<byte[], byte[]> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "client.id", "slow-consumer", "fetch.max.bytes", 32 * 1024, "max.partition.fetch.bytes", 32 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            RateWindow window = new RateWindow(consumedBytes);
            while (window.running(CONSUME_MS)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    consumedBytes.addAndGet(record.value().length);
                }
            }
            window.assertRateWithinTenPercent("consumer");
            return consumer.metrics();
        }
    }

    /** Bytes counted from the end of the warm-up to the end of the run, against the monotonic clock. */
    private static final class RateWindow {
        private final AtomicLong bytes;
        private final long startNanos = System.nanoTime();
        private long fromNanos = -1;
        private long fromBytes;
        private long toNanos;
        private long toBytes;

        RateWindow(AtomicLong bytes) {
            this.bytes = bytes;
        }

        boolean running(long durationMs) {
            long now = System.nanoTime();
            long elapsedMs = (now - startNanos) / 1_000_000;
            if (fromNanos < 0 && elapsedMs >= WARM_UP_MS) {
                fromNanos = now;
                fromBytes = bytes.get();
            }
            if (elapsedMs < durationMs) {
                return true;
            }
            toNanos = now;
            toBytes = bytes.get();
            return false;
        }

        void assertRateWithinTenPercent(String who) {
            double rate = (toBytes - fromBytes) * 1e9 / (toNanos - fromNanos);
            assertThat(rate).as("%s bytes/s (quota %s)", who, QUOTA_BYTES_PER_SECOND)
                    .isBetween(QUOTA_BYTES_PER_SECOND * 0.9, QUOTA_BYTES_PER_SECOND * 1.1);
        }
    }
}
