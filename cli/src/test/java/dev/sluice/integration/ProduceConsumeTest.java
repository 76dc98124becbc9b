package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerRecords;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.RecordMetadata;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer and consumer against one real node on loopback. */
class ProduceConsumeTest {
    @TempDir
    static Path dataDir;
    static Node node;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir);
        admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        node.close();
    }

    private Producer<String, String> producer(String acks) {
        return new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers(), "acks", acks, "linger.ms", 2),
                new StringSerializer(), new StringSerializer());
    }

    private Consumer<String, String> consumer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "auto.offset.reset", "earliest"));
        config.putAll(extra);
        return new Consumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> pollUntil(Consumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(all::add);
        }
        return all;
    }

    @Test
    void threeWaysToSendWithEveryAcksSettingAreAllReadBackInPartitionOrder() throws Exception {
        admin.createTopics(List.of(new NewTopic("send-modes", 3, (short) 1, Map.of())));
        int perMode = 300;
        for (String acks : List.of("0", "1", "all")) {
            try (Producer<String, String> producer = producer(acks)) {
                List<Future<RecordMetadata>> sync = new ArrayList<>();
                CountDownLatch callbacks = new CountDownLatch(perMode);
                List<Exception> errors = new CopyOnWriteArrayList<>();
                for (int i = 0; i < perMode; i++) {
                    producer.send(new ProducerRecord<>("send-modes", "key-" + (i % 10), acks + "-fire-" + i));
                    sync.add(producer.send(new ProducerRecord<>("send-modes", "key-" + (i % 10), acks + "-sync-" + i)));
                    producer.send(new ProducerRecord<>("send-modes", "key-" + (i % 10), acks + "-cb-" + i),
                            (metadata, error) -> {
                                if (error != null) {
                                    errors.add(error);
                                }
                                callbacks.countDown();
                            });
                }
                for (Future<RecordMetadata> future : sync) {
                    RecordMetadata metadata = future.get(30, TimeUnit.SECONDS);
                    assertThat(metadata.topic()).isEqualTo("send-modes");
                    if (!acks.equals("0")) {
                        assertThat(metadata.offset()).isGreaterThanOrEqualTo(0);
                    }
                }
                assertThat(callbacks.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(errors).isEmpty();
            }
        }
        try (Consumer<String, String> consumer = consumer(Map.of())) {
            consumer.subscribe(List.of("send-modes"));
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, 3 * 3 * perMode);
            assertThat(records).hasSize(3 * 3 * perMode);
            Map<String, Integer> partitionOfKey = new HashMap<>();
            Map<Integer, Long> lastOffset = new HashMap<>();
            for (ConsumerRecord<String, String> record : records) {
                assertThat(partitionOfKey.computeIfAbsent(record.key(), k -> record.partition()))
                        .as("every record of a key lands on one partition").isEqualTo(record.partition());
                Long previous = lastOffset.put(record.partition(), record.offset());
                if (previous != null) {
                    assertThat(record.offset()).isEqualTo(previous + 1);
                }
            }
            // Within a key, records of one mode arrive in the order they were sent.
            Map<String, Integer> lastIndex = new HashMap<>();
            for (ConsumerRecord<String, String> record : records) {
                String mode = record.value().substring(0, record.value().lastIndexOf('-'));
                int index = Integer.parseInt(record.value().substring(record.value().lastIndexOf('-') + 1));
                Integer previous = lastIndex.put(record.key() + "/" + mode, index);
                if (previous != null) {
                    assertThat(index).isGreaterThan(previous);
                }
            }
        }
    }

    @Test
    void seekMaxPollRecordsAndOffsetReset() throws Exception {
        admin.createTopics(List.of(new NewTopic("seeking", 1, (short) 1, Map.of())));
        try (Producer<String, String> producer = producer("all")) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("seeking", null, "v" + i));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition("seeking", 0);
        try (Consumer<String, String> consumer = consumer(Map.of("max.poll.records", 7))) {
            consumer.assign(List.of(tp));
            ConsumerRecords<String, String> first = pollNonEmpty(consumer);
            assertThat(first.count()).isLessThanOrEqualTo(7);
            assertThat(first.iterator().next().value()).isEqualTo("v0");
            consumer.seek(tp, 42);
            assertThat(pollNonEmpty(consumer).iterator().next().offset()).isEqualTo(42);
            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(100);
            consumer.seekToBeginning(List.of(tp));
            assertThat(pollNonEmpty(consumer).iterator().next().offset()).isZero();
        }
        try (Consumer<String, String> latest = consumer(Map.of("auto.offset.reset", "latest"))) {
            latest.assign(List.of(tp));
            assertThat(latest.poll(Duration.ofMillis(300)).count()).isZero();
            assertThat(latest.position(tp)).isEqualTo(100);
        }
    }

    @Test
    void groupResumesFromItsCommittedOffset() throws Exception {
        admin.createTopics(List.of(new NewTopic("committed", 2, (short) 1, Map.of())));
        try (Producer<String, String> producer = producer("all")) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("committed", "k" + i, "v" + i));
            }
            producer.flush();
        }
        Map<String, Object> group = Map.of("group.id", "resumers", "enable.auto.commit", false);
        try (Consumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of("committed"));
            assertThat(pollUntil(consumer, 50)).hasSize(50);
            consumer.commitSync();
        }
        try (Producer<String, String> producer = producer("all")) {
            for (int i = 50; i < 60; i++) {
                producer.send(new ProducerRecord<>("committed", "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (Consumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of("committed"));
            List<ConsumerRecord<String, String>> rest = pollUntil(consumer, 10);
            assertThat(rest).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(50, 60)
                            .mapToObj(i -> "v" + i).toList());
        }
    }

    @Test
    void producingToAnUnknownTopicFailsClearly() {
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "delivery.timeout.ms", 2000, "request.timeout.ms", 1000, "linger.ms", 0, "max.block.ms", 2000),
                new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v"))
                    .get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("no-such-topic");
        }
    }

    private static ConsumerRecords<String, String> pollNonEmpty(Consumer<String, String> consumer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            if (records.count() > 0) {
                return records;
            }
        }
        throw new AssertionError("no records within 20 s");
    }
}
