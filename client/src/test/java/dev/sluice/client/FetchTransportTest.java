package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.fake.FakeBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer's transport: one fetch stream per broker, or unary Fetch calls to a broker without streams. */
class FetchTransportTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** Writes 300 records in many small batches. */
    private static void fill(FakeBroker broker) {
        broker.createTopic("t", 1);
        Map<String, Object> config = Map.of("bootstrap.servers", broker.address(), "linger.ms", 0, "batch.size", 100);
        try (Producer<String, String> producer = new Producer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("t", 0, "k", "v" + i));
            }
        }
    }

    /** Reads the partition from the start, a few hundred bytes per fetch, until 300 records came. */
    private static List<String> readAll(FakeBroker broker) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("auto.offset.reset", "earliest");
        config.put("fetch.max.wait.ms", 20);
        config.put("max.partition.fetch.bytes", 300);
        List<String> values = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(TP));
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.size() < 300 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(50)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    private static List<String> expected() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            values.add("v" + i);
        }
        return values;
    }

    @Test
    void fetchesGoOneAtATimeOverOneStream() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            fill(broker);
            assertThat(readAll(broker)).containsExactlyElementsOf(expected());
            assertThat(broker.fetchStreams()).isEqualTo(1);
        }
    }

    /** A rolling upgrade: the broker runs a version without FetchStream (it answers UNIMPLEMENTED). */
    @Test
    void aBrokerWithoutFetchStreamsGetsUnaryFetches() throws Exception {
        try (FakeBroker broker = new FakeBroker(false)) {
            fill(broker);
            assertThat(readAll(broker)).containsExactlyElementsOf(expected());
            assertThat(broker.fetchStreams()).isZero();
        }
    }
}
