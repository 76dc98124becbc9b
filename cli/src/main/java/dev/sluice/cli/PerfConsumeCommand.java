package dev.sluice.cli;

import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice perf consume}: one consumer reads a topic from the beginning until it has N records (or the timeout
 * passes). As in Kafka's ConsumerPerformance, {@code records_per_sec} is over the fetch time only: the time until the
 * consumer has its assignment and positions ({@code join_ms}) is reported separately, and
 * {@code records_per_sec_incl_join} includes it.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Consumer throughput: read N records from the beginning of a topic.")
public final class PerfConsumeCommand implements Callable<Integer> {
    @Mixin
    BrokerOptions brokers;
    @Option(names = "--topic", required = true)
    String topic;
    @Option(names = "--records", defaultValue = "1000000", description = "Records to read (default ${DEFAULT-VALUE}).")
    long records;
    @Option(names = "--timeout-ms", defaultValue = "60000", description = "Give up after this long.")
    long timeoutMs;
    @Option(names = "--max-partition-fetch-bytes", defaultValue = "1048576")
    int maxPartitionFetchBytes;
    @Option(names = "--workload", defaultValue = "consume", description = "Name printed as workload=NAME.")
    String workload;

    @Override
    public Integer call() {
        Logging.clientMode();
        Map<String, Object> config = brokers.clientConfig();
        config.putAll(Map.of("auto.offset.reset", "earliest", "max.partition.fetch.bytes", maxPartitionFetchBytes,
                "max.poll.records", 10_000, "client.id", "sluice-perf-consumer"));
        long consumed = 0;
        long bytes = 0;
        long joinStart = System.nanoTime();
        long deadline = joinStart + timeoutMs * 1_000_000;
        long start;
        try (Consumer<byte[], byte[]> consumer = new Consumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> early = consumer.poll(Duration.ofMillis(10));
                for (var record : early) {
                    consumed++;
                    bytes += record.value() == null ? 0 : record.value().length;
                }
            }
            consumer.assignment().forEach(consumer::position);
            start = System.nanoTime();
            long lastProgress = start;
            while (consumed < records && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                for (var record : batch) {
                    consumed++;
                    bytes += record.value() == null ? 0 : record.value().length;
                }
                long now = System.nanoTime();
                if (now - lastProgress >= 5_000_000_000L) {
                    lastProgress = now;
                    System.err.printf("perf consume: %d records so far%n", consumed);
                }
            }
        }
        long end = System.nanoTime();
        long elapsed = end - start;
        double rate = PerfStats.recordsPerSecond(consumed, elapsed);
        double mb = bytes * 1e9 / Math.max(1, elapsed) / (1024.0 * 1024.0);
        String status = consumed >= records ? "ok" : "timeout";
        System.out.println("workload=" + workload + " records_per_sec=" + PerfStats.format(rate)
                + " mb_per_sec=" + PerfStats.formatMb(mb) + " records=" + consumed
                + " fetch_ms=" + elapsed / 1_000_000 + " join_ms=" + (start - joinStart) / 1_000_000
                + " records_per_sec_incl_join="
                + PerfStats.format(PerfStats.recordsPerSecond(consumed, end - joinStart))
                + " status=" + status);
        return status.equals("ok") ? 0 : 1;
    }
}
