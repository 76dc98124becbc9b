package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.TopicExistsException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf produce}: one producer sends N records of a fixed size with no key, unthrottled or at a capped
 * rate, and reports acknowledged records per second from just before the first send to the end of
 * {@code close()} (which waits for the last acknowledgement), as Kafka's ProducerPerformance does. Values are random
 * A-Z bytes from a seeded generator, new for every record, written into one reused array as Kafka's tool does.
 * Progress goes to stderr every 5 s.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Producer throughput: N records of a fixed size, one producer.")
public final class PerfProduceCommand implements Callable<Integer> {
    private static final long PROGRESS_INTERVAL_NANOS = 5_000_000_000L;

    @Mixin
    BrokerOptions brokers;
    @Option(names = "--topic", required = true, description = "Topic; created with --partitions if missing.")
    String topic;
    @Option(names = "--records", defaultValue = "1000000", description = "Records to send (default ${DEFAULT-VALUE}).")
    long records;
    @Option(names = "--record-size", defaultValue = "100", description = "Value bytes (default ${DEFAULT-VALUE}).")
    int recordSize;
    @Option(names = "--throughput", defaultValue = "-1", description = "Records/s cap; -1: unthrottled.")
    long throughput;
    @Option(names = "--acks", defaultValue = "1", description = "0, 1 or all (default ${DEFAULT-VALUE}).")
    String acks;
    @Option(names = "--batch-size", defaultValue = "8196", description = "batch.size (default ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--linger-ms", defaultValue = "0", description = "linger.ms (default ${DEFAULT-VALUE}).")
    long lingerMs;
    @Option(names = "--buffer-memory", defaultValue = "67108864", description = "buffer.memory (default 64 MiB).")
    long bufferMemory;
    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of a created topic (default 6).")
    int partitions;
    @Option(names = "--workload", defaultValue = "produce", description = "Name printed as workload=NAME.")
    String workload;
    @Option(names = "--compression", defaultValue = "none",
            description = "compression.type: none, gzip, snappy, lz4 or zstd (default ${DEFAULT-VALUE}).")
    String compression;
    @Option(names = "--payload", defaultValue = "random",
            description = "random (letters, as Kafka's perf tool) or json (JSON-like events); "
                    + "default ${DEFAULT-VALUE}.")
    String payload;
    @Option(names = "--idempotence", description = "enable.idempotence (default: the producer's; needs --acks all).")
    Boolean idempotence;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || recordSize < 0 || partitions < 1) {
            throw new IllegalArgumentException("--records and --partitions must be at least 1, --record-size >= 0");
        }
        if (!payload.equals("random") && !payload.equals("json")) {
            throw new IllegalArgumentException("--payload must be random or json, was " + payload);
        }
        Logging.clientMode();
        createTopicIfMissing();
        Map<String, Object> config = producerConfig();
        boolean json = payload.equals("json");
        double[] compressionRate = {1.0};
        int sampleEvery = (int) Math.max(1, records / 500_000);
        long[] latencyMs = new long[(int) (records / sampleEvery) + 1];
        AtomicLong samples = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        SplittableRandom random = new SplittableRandom(0);
        long start = System.nanoTime();
        long lastProgress = start;
        try (Producer<byte[], byte[]> producer = new Producer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] reused = new byte[recordSize];
            for (long i = 0; i < records; i++) {
                byte[] value = json ? JsonPayload.next(random, i, recordSize) : fillRandom(reused, random);
                boolean sampled = i % sampleEvery == 0;
                // The clock is read for sampled records only (clock reads and the progress check for every record
                // were 7.5 % of this tool's non-JIT CPU).
                long sendNanos = sampled ? System.nanoTime() : 0;
                producer.send(new ProducerRecord<>(topic, null, value), (metadata, error) -> {
                    if (error != null) {
                        firstError.compareAndSet(null, error);
                        return;
                    }
                    acknowledged.incrementAndGet();
                    if (sampled) {
                        int slot = (int) samples.getAndIncrement();
                        if (slot < latencyMs.length) {
                            latencyMs[slot] = (System.nanoTime() - sendNanos) / 1_000_000;
                        }
                    }
                });
                throttle(i, start);
                if ((i & 1023) == 0) {
                    lastProgress = progress(i + 1, acknowledged.get(), start, lastProgress);
                }
            }
            producer.flush();
            compressionRate[0] = producer.metrics().getOrDefault("compression-rate-avg", 1.0);
        }
        long elapsed = System.nanoTime() - start;
        int count = (int) Math.min(samples.get(), latencyMs.length);
        boolean complete = acknowledged.get() == records;
        System.out.println(resultLine(acknowledged.get(), elapsed, latencyMs, count, compressionRate[0], complete));
        if (firstError.get() != null) {
            System.err.println("error: " + firstError.get().getMessage());
        }
        return complete ? 0 : 1;
    }

    /**
     * Refills {@code value} with random A-Z bytes. send() copies the value into its batch before it returns, so one
     * array serves every record, as in Kafka's ProducerPerformance (which refills its payload array the same way).
     */
    private static byte[] fillRandom(byte[] value, SplittableRandom random) {
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) ('A' + random.nextInt(26));
        }
        return value;
    }

    /** Prints progress on stderr every {@code PROGRESS_INTERVAL_NANOS}; returns when it last printed. */
    private static long progress(long sent, long acknowledged, long startNanos, long lastProgressNanos) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
            return lastProgressNanos;
        }
        System.err.printf("perf produce: %d sent, %d acknowledged, %s records/s so far%n", sent, acknowledged,
                PerfStats.format(PerfStats.recordsPerSecond(acknowledged, now - startNanos)));
        return now;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = brokers.clientConfig();
        config.putAll(Map.of("acks", acks, "batch.size", batchSize, "linger.ms", lingerMs,
                "buffer.memory", bufferMemory, "client.id", "sluice-perf-producer", "compression.type", compression));
        if (idempotence != null) {
            config.put("enable.idempotence", idempotence.toString());
        }
        return config;
    }

    /** The machine-readable result, in the Kafka peer's format ({@code workload=... records_per_sec=...}). */
    private String resultLine(long acknowledged, long elapsedNanos, long[] latencyMs, int count,
            double compressionRate, boolean complete) {
        double rate = PerfStats.recordsPerSecond(acknowledged, elapsedNanos);
        return "workload=" + workload + " records_per_sec=" + PerfStats.format(rate)
                + " mb_per_sec=" + PerfStats.formatMb(PerfStats.mebibytesPerSecond(rate, recordSize))
                + " ack_p50_ms=" + PerfStats.percentile(latencyMs, count, 0.5)
                + " ack_p99_ms=" + PerfStats.percentile(latencyMs, count, 0.99)
                + " records=" + acknowledged
                + (compression.equals("none") ? "" : " compression=" + compression + " compression_ratio="
                        + String.format(java.util.Locale.ROOT, "%.2f", 1 / Math.max(compressionRate, 1e-9)))
                + " status=" + (complete ? "ok" : "error");
    }

    private void throttle(long sent, long startNanos) {
        if (throughput <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) ((sent + 1) * 1e9 / throughput);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
        }
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(brokers.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1, Map.of())));
        } catch (TopicExistsException e) {
            // An existing topic is used as it is.
        }
    }
}
