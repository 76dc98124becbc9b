package dev.sluice.cli;

import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop, fixed-rate end-to-end latency probe behind {@code sluice perf e2e --mode fixed-rate}: record i is
 * scheduled at t0 + i/rate; the producer sends at (or as soon as possible after) that time; a consumer thread on the
 * same clock records consume time - scheduled time, so producer stalls count against latency.
 */
final class FixedRateProbe {
    private final PerfE2eCommand command;

    FixedRateProbe(PerfE2eCommand command) {
        this.command = command;
    }

    int run() throws Exception {
        long warmupRecords = (long) command.rate * command.warmupSeconds;
        int measured = command.rate * command.measureSeconds;
        long total = warmupRecords + measured;
        long[] latencyMicros = new long[measured];
        Arrays.fill(latencyMicros, -1);  // -1: not received
        AtomicLong recorded = new AtomicLong();
        long sendNanos;
        try (Producer<byte[], byte[]> producer = command.producer();
             Consumer<byte[], byte[]> consumer = command.consumerAtEnd(500)) {
            Thread reader = new Thread(() -> {
                long stopAt = System.nanoTime()
                        + (command.warmupSeconds + command.measureSeconds + 20) * 1_000_000_000L;
                while (recorded.get() < measured && System.nanoTime() < stopAt) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        ByteBuffer value = ByteBuffer.wrap(record.value());
                        long scheduled = value.getLong();
                        long sequence = value.getLong();
                        if (sequence >= warmupRecords && sequence < total) {
                            latencyMicros[(int) (sequence - warmupRecords)] = (now - scheduled) / 1_000;
                            recorded.incrementAndGet();
                        }
                    }
                }
            }, "perf-e2e-consumer");
            reader.start();
            long start = System.nanoTime();
            for (long i = 0; i < total; i++) {
                long scheduled = start + i * 1_000_000_000L / command.rate;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                producer.send(new ProducerRecord<>(command.topic, null, command.value(scheduled, i)));
            }
            sendNanos = System.nanoTime() - start;
            reader.join(20_000);
        }
        int count = (int) Math.min(recorded.get(), measured);
        long[] values = Arrays.stream(latencyMicros).filter(v -> v >= 0).sorted().toArray();
        double achievedRate = total * 1e9 / sendNanos;
        String status = count == measured ? "ok" : "short";
        System.out.println("workload=" + command.workload
                + " records_per_sec=" + PerfStats.format(achievedRate)
                + " mb_per_sec=" + String.format(Locale.ROOT, "%.3f", achievedRate * command.recordSize / 1048576.0)
                + " p50_ms=" + millis(values, 0.5) + " p99_ms=" + millis(values, 0.99)
                + " p999_ms=" + millis(values, 0.999)
                + " avg_ms=" + String.format(Locale.ROOT, "%.3f",
                        Arrays.stream(values).average().orElse(-1000) / 1000.0)
                + " max_ms=" + String.format(Locale.ROOT, "%.3f",
                        values.length == 0 ? -1 : values[values.length - 1] / 1000.0)
                + " records=" + count + " status=" + status);
        return status.equals("ok") ? 0 : 1;
    }

    private static String millis(long[] sortedMicros, double p) {
        long micros = PerfStats.percentile(sortedMicros, sortedMicros.length, p);
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }
}
