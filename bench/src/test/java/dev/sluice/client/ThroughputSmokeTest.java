package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.fake.FakeBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Not a benchmark (the fake broker parses every record): a smoke test that bulk traffic flows. */
@Tag("slow")
class ThroughputSmokeTest {
    @Test
    void millionSmallRecords() throws Exception {
        int count = 1_000_000;
        byte[] value = new byte[100];
        try (FakeBroker broker = new FakeBroker()) {
            broker.createTopic("perf", 4);
            long start = System.nanoTime();
            try (Producer<byte[], byte[]> producer = new Producer<>(Map.of("bootstrap.servers", broker.address(),
                    "acks", "1", "batch.size", 65536, "linger.ms", 5), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>("perf", null, value));
                }
            }
            long produceMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            long consumed = 0;
            try (Consumer<byte[], byte[]> consumer = new Consumer<>(Map.of("bootstrap.servers", broker.address(),
                    "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("perf"));
                while (consumed < count) {
                    consumed += consumer.poll(Duration.ofSeconds(1)).count();
                }
            }
            long consumeMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("produce: %d ms (%.0f rec/s), consume: %d ms (%.0f rec/s)%n", produceMs,
                    count * 1000.0 / produceMs, consumeMs, count * 1000.0 / consumeMs);
            assertThat(consumed).isEqualTo(count);
        }
    }
}
