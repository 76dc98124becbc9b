package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every replica of a partition lost at once, each keeping a different part of its log (what a power cut does to
 * data no fsync covered): the replica whose log ends furthest must lead afterwards, so that the others keep what it
 * holds. Before, the ISR member fenced last led, whatever its log, and the others truncated to it.
 */
class FullOutageIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final int RECORDS = 2000;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void afterEveryReplicaIsLostTheOneWhoseLogEndsFurthestLeads() throws Exception {
        List<DevCluster.NodeSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new DevCluster.NodeSpec(id, SluiceProcess.freePort(), SluiceProcess.freePort(),
                    SluiceProcess.freePort()));
        }
        DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "outage-" + UUID.randomUUID(), specs);
        try (cluster) {
            cluster.startAll();
            cluster.awaitReady(STEP);
            String topicId;
            try (Admin admin = QuorumCluster.admin(cluster.brokers())) {
                await().atMost(STEP).ignoreExceptions().until(() -> {
                    admin.createTopics(List.of(new NewTopic("outage", 1, (short) 3,
                            Map.of("min.insync.replicas", "2"))));
                    return true;
                });
                await().atMost(STEP).until(() -> partition(admin).isr().size() == 3);
                topicId = admin.describeTopics(List.of("outage")).get("outage").topicId();
            }
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", cluster.brokers(),
                    "acks", "all", "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("outage", 0, null, Integer.toString(i)));
                }
                producer.flush();
            }
            for (int id = 1; id <= 3; id++) {
                cluster.kill(id);
            }
            // Nodes 2 and 3 lose different tails (down to the start of the batch holding the offset, maybe all of
            // it); node 1 keeps every record.
            PartitionKey key = new PartitionKey(UUID.fromString(topicId), 0);
            truncate(cluster.nodeDir(2), key, RECORDS / 2);
            truncate(cluster.nodeDir(3), key, RECORDS / 4);
            for (int id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            cluster.awaitReady(STEP);
            try (Admin admin = QuorumCluster.admin(cluster.brokers())) {
                // Which node leads is not asserted: once elected, leadership may move on to the preferred replica.
                // What must hold is that node 1's records survived the election (before, node 3 led with none).
                await().atMost(STEP).ignoreExceptions().until(() -> partition(admin).leader() != -1);
            }
            Set<String> read = readAll(cluster.brokers());
            Set<String> missing = new HashSet<>();
            for (int i = 0; i < RECORDS; i++) {
                if (!read.contains(Integer.toString(i))) {
                    missing.add(Integer.toString(i));
                }
            }
            assertThat(missing).as("acknowledged records that no replica kept after the election").isEmpty();
        }
    }

    private static void truncate(Path nodeDir, PartitionKey key, long endOffset) {
        Path log = nodeDir.resolve("data").resolve("log");
        assertThat(Files.isDirectory(log)).as("log store at %s", log).isTrue();
        try (LogStore store = LogStore.open(log)) {
            assertThat(store.partition(key).logEndOffset()).isEqualTo(RECORDS);
            store.partition(key).truncateTo(endOffset);
        }
    }

    private static PartitionDescription partition(Admin admin) {
        return admin.describeTopics(List.of("outage")).get("outage").partitions().get(0);
    }

    private static Set<String> readAll(String brokers) {
        Set<String> values = new HashSet<>();
        ReplicationIT.readAll(brokers, "outage").forEach(record -> values.add(record.value()));
        return values;
    }
}
