package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets survive the group coordinator: on three combined nodes, {@code __consumer_offsets} is created
 * with replication factor 3 and compacted; a group commits, the broker leading the group's offsets partition is
 * killed -9, and the new coordinator (rebuilt from the replicated partition) serves the same offsets, from which the
 * group resumes with nothing below them re-delivered and nothing after them skipped.
 */
class CoordinatorFailoverIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final String GROUP = "ledger-readers";
    private static final String TOPIC = "ledger";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 3000;

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    private DevCluster start() throws Exception {
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, "replica.lag.time.max.ms=2000\n");
        List<DevCluster.NodeSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new DevCluster.NodeSpec(id, SluiceProcess.freePort(), SluiceProcess.freePort(),
                    SluiceProcess.freePort()));
        }
        DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "coordinator-" + UUID.randomUUID(), specs);
        cluster.setExtraServerArgs(List.of("--config", config.toString()));
        try {
            cluster.startAll();
            cluster.awaitReady(STEP);
        } catch (Exception | AssertionError e) {
            cluster.close();  // or the nodes that did start outlive the test
            throw e;
        }
        return cluster;
    }

    private static Consumer<String, String> consumer(String brokers) {
        return new Consumer<>(Map.of("bootstrap.servers", brokers, "group.id", GROUP, "auto.offset.reset", "earliest",
                "enable.auto.commit", false, "heartbeat.interval.ms", 500, "session.timeout.ms", 10_000,
                "max.poll.records", 100, "request.timeout.ms", 10_000), new StringDeserializer(),
                new StringDeserializer());
    }

    @Test
    void committedOffsetsSurviveKillingTheCoordinator() throws Exception {
        try (DevCluster cluster = start(); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            int offsetsPartition = GroupCoordinator.partitionFor(GROUP, 10);
            await().atMost(STEP).until(() -> offsets(admin).isr().size() == 3);
            assertThat(offsets(admin).replicas()).as("__consumer_offsets waits for 3 brokers").hasSize(3);
            assertThat(admin.describeTopics(List.of(GroupCoordinator.OFFSETS_TOPIC)).get(GroupCoordinator.OFFSETS_TOPIC)
                    .configs()).containsEntry("cleanup.policy", "compact");
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3, Map.of("min.insync.replicas", "2"))));
            produce(cluster.brokers());

            // Phase 1: process part of the log and commit exactly what was processed.
            Map<TopicPartition, Long> committed = new TreeMap<>(
                    java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            List<String> processed = new ArrayList<>();
            try (Consumer<String, String> first = consumer(cluster.brokers())) {
                first.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + STEP.toNanos();
                while (processed.size() < RECORDS / 2 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : first.poll(Duration.ofMillis(200))) {
                        processed.add(record.value());
                        committed.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                committed.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
                first.commitSync(commit);
                assertThat(processed).hasSizeGreaterThanOrEqualTo(RECORDS / 2);

                int coordinator = offsets(admin).leader();
                cluster.kill(coordinator);
                System.out.printf("CoordinatorFailoverIT: offsets partition %d, killed coordinator %d, committed %s%n",
                        offsetsPartition, coordinator, committed);
                String survivors = cluster.nodes().keySet().stream().filter(id -> id != coordinator)
                        .map(cluster::broker).reduce((a, b) -> a + "," + b).orElseThrow();
                try (Admin live = QuorumCluster.admin(survivors)) {
                    await().atMost(STEP).until(() -> {
                        PartitionDescription now = offsets(live);
                        return now.leader() != -1 && now.leader() != coordinator;
                    });
                }

                // Phase 2: a new member of the group resumes from the offsets the new coordinator serves.
                try (Consumer<String, String> second = consumer(survivors)) {
                    Map<TopicPartition, OffsetAndMetadata> served = await().atMost(STEP).ignoreExceptions()
                            .until(() -> second.committed(committed.keySet()), m -> m.size() == committed.size());
                    committed.forEach((partition, offset) -> assertThat(served.get(partition).offset())
                            .as("offset served for %s by the new coordinator", partition).isEqualTo(offset));
                    first.close(); // leaves (or is dropped), so the second member gets every partition
                    Map<TopicPartition, Long> firstSeen = new HashMap<>();
                    List<String> resumed = new ArrayList<>();
                    second.subscribe(List.of(TOPIC));
                    long until = System.nanoTime() + STEP.toNanos();
                    while (processed.size() + resumed.size() < RECORDS && System.nanoTime() < until) {
                        for (ConsumerRecord<String, String> record : second.poll(Duration.ofMillis(200))) {
                            firstSeen.putIfAbsent(new TopicPartition(record.topic(), record.partition()),
                                    record.offset());
                            resumed.add(record.value());
                        }
                    }
                    // A partition the first member read to its end has nothing left to resume (seen in a run where
                    // ledger-0 held exactly the 1,017 records committed); the others resume exactly at the commit.
                    Map<TopicPartition, Long> ends = second.endOffsets(committed.keySet());
                    committed.forEach((partition, offset) -> assertThat(firstSeen.get(partition))
                            .as("%s (end offset %d) resumes exactly at its committed offset", partition,
                                    ends.get(partition))
                            .isEqualTo(offset < ends.get(partition) ? offset : null));
                    List<String> all = new ArrayList<>(processed);
                    all.addAll(resumed);
                    assertThat(all).as("nothing re-delivered below the commit").doesNotHaveDuplicates();
                    assertThat(all).as("nothing skipped after it").hasSize(RECORDS);
                }
            }
        }
    }

    private static PartitionDescription offsets(Admin admin) {
        return admin.describeTopics(List.of(GroupCoordinator.OFFSETS_TOPIC)).get(GroupCoordinator.OFFSETS_TOPIC)
                .partitions().get(GroupCoordinator.partitionFor(GROUP, 10));
    }

    private static void produce(String brokers) throws Exception {
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", brokers, "acks", "all",
                "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, Integer.toString(i)));
            }
            producer.flush();
        }
    }
}
