package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.TopicExistsException;
import dev.sluice.client.TopicPartition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf e2e}: end-to-end latency, defined exactly as the Kafka peer's two probes so the numbers
 * compare. {@code --mode pingpong} is Kafka's EndToEndLatency: one record in flight; send, wait for the ack, poll
 * until that record arrives; whole-millisecond percentiles, floored. {@code --mode fixed-rate} is the peer's
 * E2eLatencyFixedRate: open loop at {@code --rate} records/s, latency = consume time - scheduled send time, the first
 * {@code --warmup-s} seconds discarded, microsecond-resolution percentiles. Both read with a consumer assigned all
 * partitions at the log end, without a group.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "End-to-end latency: ping-pong or fixed-rate.")
public final class PerfE2eCommand implements Callable<Integer> {
    @Mixin
    BrokerOptions brokers;
    @Option(names = "--topic", required = true, description = "Topic; created with --partitions if missing.")
    String topic;
    @Option(names = "--mode", defaultValue = "pingpong", description = "pingpong or fixed-rate.")
    String mode;
    @Option(names = "--records", defaultValue = "5000", description = "pingpong: round trips (default 5000).")
    int records;
    @Option(names = "--rate", defaultValue = "1000", description = "fixed-rate: records/s (default 1000).")
    int rate;
    @Option(names = "--warmup-s", defaultValue = "5", description = "fixed-rate: seconds not measured.")
    int warmupSeconds;
    @Option(names = "--measure-s", defaultValue = "25", description = "fixed-rate: seconds measured.")
    int measureSeconds;
    @Option(names = "--acks", defaultValue = "1")
    String acks;
    @Option(names = "--record-size", defaultValue = "100")
    int recordSize;
    @Option(names = "--partitions", defaultValue = "6")
    int partitions;
    @Option(names = "--workload", defaultValue = "e2e")
    String workload;

    @Override
    public Integer call() throws Exception {
        if (recordSize < 16) {
            throw new IllegalArgumentException("--record-size must be at least 16 (send time and sequence number)");
        }
        Logging.clientMode();
        try (Admin admin = Admin.create(brokers.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1, Map.of())));
        } catch (TopicExistsException e) {
            // An existing topic is used as it is.
        }
        return switch (mode) {
            case "pingpong" -> pingPong();
            case "fixed-rate" -> new FixedRateProbe(this).run();
            default -> throw new IllegalArgumentException("--mode must be pingpong or fixed-rate, got '" + mode + "'");
        };
    }

    Producer<byte[], byte[]> producer() {
        Map<String, Object> config = brokers.clientConfig();
        config.putAll(Map.of("acks", acks, "linger.ms", 0, "client.id", "sluice-perf-e2e"));
        return new Producer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer assigned every partition of the topic and positioned at the log end. */
    Consumer<byte[], byte[]> consumerAtEnd(int fetchMaxWaitMs) {
        Map<String, Object> config = brokers.clientConfig();
        config.putAll(Map.of("fetch.min.bytes", 1, "fetch.max.wait.ms", fetchMaxWaitMs,
                "auto.offset.reset", "latest", "client.id", "sluice-perf-e2e"));
        Consumer<byte[], byte[]> consumer = new Consumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        consumer.assign(all);
        consumer.seekToEnd(all);
        all.forEach(consumer::position);
        return consumer;
    }

    byte[] value(long scheduledNanos, long sequence) {
        byte[] value = new byte[recordSize];
        ByteBuffer.wrap(value).putLong(scheduledNanos).putLong(sequence);
        return value;
    }

    private int pingPong() throws Exception {
        long[] latencyMs = new long[records];
        double totalMs = 0;
        try (Producer<byte[], byte[]> producer = producer(); Consumer<byte[], byte[]> consumer = consumerAtEnd(0)) {
            for (int i = 0; i < records; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, null, value(start, i))).get();
                boolean received = false;
                long deadline = start + 10_000_000_000L;
                while (!received && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(1000))) {
                        received |= ByteBuffer.wrap(record.value()).getLong(8) == i;
                    }
                }
                if (!received) {
                    throw new IllegalStateException("record " + i + " was not consumed within 10 s");
                }
                double elapsedMs = (System.nanoTime() - start) / 1e6;
                totalMs += elapsedMs;
                latencyMs[i] = (long) elapsedMs;
            }
        }
        System.out.println("workload=" + workload + " p50_ms=" + PerfStats.percentile(latencyMs, records, 0.5)
                + " p99_ms=" + PerfStats.percentile(latencyMs, records, 0.99)
                + " p999_ms=" + PerfStats.percentile(latencyMs, records, 0.999)
                + " avg_ms=" + String.format(Locale.ROOT, "%.4f", totalMs / records)
                + " records=" + records + " resolution_ms=1 status=ok");
        return 0;
    }
}
