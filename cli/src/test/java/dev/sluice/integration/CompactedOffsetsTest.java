package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code __consumer_offsets} is compacted, and a coordinator that rebuilds the offsets from the compacted log (after
 * a restart) serves the latest commit of every partition: records of compacted batches are read at base +
 * {@code offset_delta}, and batches compacted to nothing still advance the read position.
 */
class CompactedOffsetsTest {
    private static final String GROUP = "compacted";
    private static final int PARTITIONS = 4;

    @TempDir
    Path dataDir;

    private static Consumer<String, String> committer(Node node) {
        return new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(), "group.id", GROUP,
                "enable.auto.commit", false), new StringDeserializer(), new StringDeserializer());
    }

    private static TopicPartition partition(int index) {
        return new TopicPartition("orders", index);
    }

    @Test
    void offsetsRebuiltFromTheCompactedLogAreTheLatest() throws Exception {
        Map<String, String> config = Map.of(NodeConfig.RETENTION_CHECK_INTERVAL_MS, "100");
        Map<TopicPartition, Long> latest = new LinkedHashMap<>();
        try (Node node = TestNode.start(dataDir, config);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("orders", PARTITIONS, (short) 1, Map.of())));
            try (Consumer<String, String> consumer = committer(node)) {
                for (int round = 1; round <= 5; round++) {
                    // One batch with every partition, then single-partition batches that overwrite some of them.
                    Map<TopicPartition, OffsetAndMetadata> all = new HashMap<>();
                    for (int index = 0; index < PARTITIONS; index++) {
                        all.put(partition(index), new OffsetAndMetadata(round * 100L + index));
                        latest.put(partition(index), round * 100L + index);
                    }
                    consumer.commitSync(all);
                    for (int index = 0; index < PARTITIONS; index += 2) {
                        consumer.commitSync(Map.of(partition(index), new OffsetAndMetadata(round * 100L + 50)));
                        latest.put(partition(index), round * 100L + 50);
                    }
                }
            }
            awaitCompacted(node);
        }
        try (Node restarted = TestNode.start(dataDir, config);
             Consumer<String, String> consumer = committer(restarted)) {
            Set<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(CompactedOffsetsTest::partition)
                    .collect(Collectors.toSet());
            Map<TopicPartition, Long> served = consumer.committed(partitions).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
            assertThat(served).isEqualTo(latest);
        }
    }

    /** Waits (bounded) until the group's offsets partition holds one record per committed partition. */
    private static void awaitCompacted(Node node) {
        TopicPartition offsets = new TopicPartition(GroupCoordinator.OFFSETS_TOPIC,
                GroupCoordinator.partitionFor(GROUP, 10));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int records;
        do {
            records = 0;
            try (Consumer<byte[], byte[]> reader = new Consumer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers(), "auto.offset.reset", "earliest"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                reader.assign(List.of(offsets));
                long end = reader.endOffsets(List.of(offsets)).get(offsets);
                long readDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (reader.position(offsets) < end && System.nanoTime() < readDeadline) {
                    records += reader.poll(Duration.ofMillis(100)).count();
                }
            }
        } while (records != PARTITIONS && System.nanoTime() < deadline);
        assertThat(records).as("records left in the offsets partition after compaction").isEqualTo(PARTITIONS);
    }
}
