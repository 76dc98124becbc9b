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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One million 100-byte records through the Java producer, all read back by the consumer: none lost, none
 * duplicated, and within each partition in the order they were sent.
 */
class MillionRecordsTest {
    private static final int RECORDS = 1_000_000;
    private static final int PARTITIONS = 4;

    @TempDir
    Path dataDir;

    @Test
    void everyRecordIsReadBackOnceInPartitionOrder() throws Exception {
        try (Node node = TestNode.start(dataDir)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("million", PARTITIONS, (short) 1, Map.of())));
            }
            AtomicReference<Exception> sendError = new AtomicReference<>();
            try (Producer<byte[], byte[]> producer = new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                    "acks", "1", "linger.ms", 5, "batch.size", 65536),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    // The partition is chosen explicitly so the per-partition order check knows what was sent where.
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("million", i % PARTITIONS, null,
                            value(i));
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            sendError.compareAndSet(null, error);
                        }
                    });
                }
                producer.flush();
            }
            assertThat(sendError.get()).isNull();

            BitSet seen = new BitSet(RECORDS);
            int[] lastSequence = new int[PARTITIONS];
            java.util.Arrays.fill(lastSequence, -1);
            int received = 0;
            try (Consumer<byte[], byte[]> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                    "auto.offset.reset", "earliest", "max.poll.records", 5000),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("million"));
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (received < RECORDS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        int sequence = ByteBuffer.wrap(record.value()).getInt();
                        assertThat(seen.get(sequence)).as("duplicate of record %d", sequence).isFalse();
                        seen.set(sequence);
                        assertThat(sequence % PARTITIONS).isEqualTo(record.partition());
                        assertThat(sequence).as("order within partition %d", record.partition())
                                .isGreaterThan(lastSequence[record.partition()]);
                        lastSequence[record.partition()] = sequence;
                        received++;
                    }
                }
            }
            assertThat(received).isEqualTo(RECORDS);
            assertThat(seen.cardinality()).isEqualTo(RECORDS);
        }
    }

    private static byte[] value(int sequence) {
        byte[] value = new byte[100];
        ByteBuffer.wrap(value).putInt(sequence);
        return value;
    }
}
