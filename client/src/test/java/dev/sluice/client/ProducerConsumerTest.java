package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.fake.FakeBroker;
import dev.sluice.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProducerConsumerTest {
    private FakeBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
        broker.createTopic("events", 3);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private Producer<String, String> producer(Object... overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("linger.ms", 1);
        config.put("retry.backoff.ms", 10);
        for (int i = 0; i < overrides.length; i += 2) {
            config.put((String) overrides[i], overrides[i + 1]);
        }
        return new Producer<>(config, new StringSerializer(), new StringSerializer());
    }

    private Consumer<String, String> consumer(Object... overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("auto.offset.reset", "earliest");
        config.put("fetch.max.wait.ms", 50);
        for (int i = 0; i < overrides.length; i += 2) {
            config.put((String) overrides[i], overrides[i + 1]);
        }
        return new Consumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> pollUntil(Consumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (all.size() < count && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(all::add);
        }
        return all;
    }

    @Test
    void syncSendThenConsumeRoundTrip() throws Exception {
        try (Producer<String, String> producer = producer()) {
            RecordMetadata first = producer.send(new ProducerRecord<>("events", 1, 1234L, "k", "v1",
                    List.of(new Header("trace", new byte[] {7})))).get(5, TimeUnit.SECONDS);
            RecordMetadata second = producer.send(new ProducerRecord<>("events", 1, "k", "v2")).get();
            assertThat(first).isEqualTo(new RecordMetadata("events", 1, 0, 1234));
            assertThat(second.offset()).isEqualTo(1);
        }
        try (Consumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(new TopicPartition("events", 1)));
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, 2);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("v1", "v2");
            assertThat(records.get(0).key()).isEqualTo("k");
            assertThat(records.get(0).timestamp()).isEqualTo(1234);
            assertThat(records.get(0).headers().get(0).value()).containsExactly(7);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
            assertThat(consumer.position(new TopicPartition("events", 1))).isEqualTo(2);
        }
    }

    @Test
    void keysLandOnTheirMurmur2PartitionAndNullKeysStick() throws Exception {
        try (Producer<String, String> producer = producer()) {
            RecordMetadata keyed = producer.send(new ProducerRecord<>("events", "foobar", "x")).get();
            assertThat(keyed.partition()).isEqualTo((-790332482 & 0x7fffffff) % 3);
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(producer.send(new ProducerRecord<>("events", "v" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> future : futures) {
                assertThat(future.isDone()).isTrue();
                assertThat(future.get().offset()).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void callbacksRunAndFlushAndCloseDeliverEverything() throws Exception {
        List<RecordMetadata> acked = new CopyOnWriteArrayList<>();
        int count = 5000;
        Producer<String, String> producer = producer("linger.ms", 50, "batch.size", 4096);
        for (int i = 0; i < count / 2; i++) {
            producer.send(new ProducerRecord<>("events", "k" + i, "value-" + i), (m, e) -> acked.add(m));
        }
        producer.flush();
        assertThat(acked).hasSize(count / 2);
        for (int i = count / 2; i < count; i++) {
            producer.send(new ProducerRecord<>("events", "k" + i, "value-" + i), (m, e) -> acked.add(m));
        }
        producer.close();
        assertThat(acked).hasSize(count).doesNotContainNull();
        int stored = 0;
        for (int p = 0; p < 3; p++) {
            stored += broker.log("events", p).values().size();
        }
        assertThat(stored).isEqualTo(count);
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("events", "late")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retriesNotLeaderAfterRefreshingMetadata() throws Exception {
        broker.failNextProduces(ErrorCode.NOT_LEADER, 2);
        try (Producer<String, String> producer = producer()) {
            int metadataBefore = broker.metadataRequests();
            RecordMetadata metadata = producer.send(new ProducerRecord<>("events", 0, null, "survives")).get();
            assertThat(metadata.offset()).isZero();
            assertThat(broker.produceRequests()).isEqualTo(3);
            assertThat(broker.metadataRequests()).isGreaterThan(metadataBefore);
        }
        assertThat(broker.log("events", 0).values()).containsExactly("survives");
    }

    @Test
    void fatalErrorsReachFutureAndCallback() throws Exception {
        broker.failNextProduces(ErrorCode.CORRUPT_MESSAGE, 1);
        List<Exception> errors = new CopyOnWriteArrayList<>();
        try (Producer<String, String> producer = producer()) {
            Future<RecordMetadata> future = producer.send(new ProducerRecord<>("events", 0, null, "x"),
                    (m, e) -> errors.add(e));
            assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SluiceException.class)
                    .extracting(e -> ((SluiceException) e).errorCode()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            assertThat(errors).hasSize(1);
        }
    }

    @Test
    void unknownTopicFailsAfterMaxBlock() {
        try (Producer<String, String> producer = producer("max.block.ms", 200)) {
            Future<RecordMetadata> future = producer.send(new ProducerRecord<>("nope", "x"));
            assertThatThrownBy(future::get).cause().isInstanceOf(UnknownTopicException.class)
                    .hasMessageContaining("nope");
            assertThatThrownBy(() -> producer.partitionsFor("nope")).isInstanceOf(UnknownTopicException.class);
            assertThat(producer.partitionsFor("events")).hasSize(3);
        }
    }

    @Test
    void unreachableBrokerExpiresRecordsWithTheAddress() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:1");
        config.put("max.block.ms", 300);
        try (Producer<String, String> producer = new Producer<>(config, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("events", "x")).get())
                    .cause().isInstanceOf(BrokerUnavailableException.class)
                    .hasMessage("broker 127.0.0.1:1 is unreachable");
        }
    }

    @Test
    void acksZeroCompletesWithoutOffsets() throws Exception {
        try (Producer<String, String> producer = producer("acks", "0")) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>("events", 2, null, "fire")).get();
            assertThat(metadata.offset()).isEqualTo(-1);
        }
        assertThat(broker.log("events", 2).values()).containsExactly("fire");
    }
}
