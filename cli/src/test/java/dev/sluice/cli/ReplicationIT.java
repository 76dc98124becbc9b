package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicListing;
import dev.sluice.client.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicated partitions on real {@code bin/sluice server} processes: no record acknowledged with {@code acks=all}
 * is lost when the partition leader is killed -9; a paused follower leaves the ISR and comes back;
 * {@code min.insync.replicas} refuses writes while too few replicas are in sync; stopping the leader cleanly
 * (SIGTERM, controlled shutdown) fails no send, and leadership returns to the preferred replica once it is back.
 */
class ReplicationIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    private DevCluster start(List<DevCluster.NodeSpec> specs) throws Exception {
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, "replica.lag.time.max.ms=2000\n");
        DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "replication-" + UUID.randomUUID(), specs);
        cluster.setExtraServerArgs(List.of("--config", config.toString()));
        try {
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(90));
        } catch (Exception | AssertionError e) {
            cluster.close();  // or the nodes that did start outlive the test (seen after a node failed to start)
            throw e;
        }
        return cluster;
    }

    private DevCluster combinedNodes(int count) throws Exception {
        List<DevCluster.NodeSpec> specs = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            specs.add(new DevCluster.NodeSpec(id, SluiceProcess.freePort(), SluiceProcess.freePort(),
                    SluiceProcess.freePort()));
        }
        return start(specs);
    }

    /**
     * Creates a topic once enough brokers are unfenced for its replication factor. Readiness means unfenced, but on a
     * heavily loaded machine a broker can miss its 6 s session right after (seen at load average 12), and such a
     * create is refused, not applied, so sending it again is safe.
     */
    private static void createWhenPlaceable(Admin admin, NewTopic topic) {
        await().atMost(STEP).until(() -> {
            try {
                admin.createTopics(List.of(topic));
                return true;
            } catch (dev.sluice.client.SluiceException e) {
                if (e.errorCode() != dev.sluice.proto.v1.ErrorCode.INVALID_REPLICATION_FACTOR) {
                    throw e;
                }
                return false;
            }
        });
    }

    private static PartitionDescription partition(Admin admin, String topic) {
        return admin.describeTopics(List.of(topic)).get(topic).partitions().get(0);
    }

    private static Producer<String, String> producer(String brokers, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", brokers, "acks", "all",
                "linger.ms", 1, "request.timeout.ms", 5000, "delivery.timeout.ms", 120_000));
        config.putAll(extra);
        return new Producer<>(config, new StringSerializer(), new StringSerializer());
    }

    @Test
    void acknowledgedRecordsSurviveKillingThePartitionLeader() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("ledger", 1, (short) 3, Map.of("min.insync.replicas", "2")));
            await().atMost(STEP).until(() -> partition(admin, "ledger").isr().size() == 3);
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                try (Producer<String, String> producer = producer(cluster.brokers(), Map.of())) {
                    for (int i = 0; running.get(); i++) {
                        int value = i;
                        producer.send(new ProducerRecord<>("ledger", null, Integer.toString(value)),
                                (metadata, error) -> {
                                    if (error == null) {
                                        acknowledged.add(value);
                                    }
                                });
                        if (i % 200 == 199) {
                            producer.flush();
                        }
                    }
                    producer.flush();
                }
            }, "ledger-writer");
            writer.start();
            int leader;
            try {
                await().atMost(STEP).until(() -> acknowledged.size() >= 2000);
                leader = partition(admin, "ledger").leader();
                cluster.kill(leader);
                int atKill = acknowledged.size();
                await().atMost(STEP).until(() -> acknowledged.size() >= atKill + 2000);
                cluster.start(leader);
                cluster.awaitReady(STEP);
                await().atMost(STEP).until(() -> partition(admin, "ledger").isr().size() == 3);
            } finally {
                running.set(false);
                writer.join(STEP.toMillis());
            }
            assertThat(partition(admin, "ledger").leader()).as("a new leader was elected").isNotEqualTo(-1);
            List<ConsumerRecord<String, String>> log = readAll(cluster.brokers(), "ledger");
            List<Integer> values = log.stream().map(r -> Integer.parseInt(r.value())).toList();
            assertNoneLost(values, acknowledged);
            assertThat(values).as("no record appears twice").doesNotHaveDuplicates();
            assertThat(values).as("records keep the order they were sent in").isSorted();
            for (int i = 1; i < log.size(); i++) {
                assertThat(log.get(i).offset()).as("visible offsets have no gap")
                        .isEqualTo(log.get(i - 1).offset() + 1);
            }
            System.out.printf("ReplicationIT: acknowledged=%d read=%d killed leader=%d%n", acknowledged.size(),
                    values.size(), leader);
        }
    }

    /**
     * Chaos run 30001: a node restarted after many leadership changes replayed the metadata log and acted on every
     * intermediate image, leading and following the partition at long-gone leader epochs (and following a deposed
     * leader truncated acknowledged records). Now the broker acts only on the image caught up with the quorum.
     */
    @Test
    void aRestartedBrokerNeverActsOnAnOlderLeaderEpochAndLosesNothing() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("replayed", 1, (short) 3, Map.of("min.insync.replicas", "2")));
            await().atMost(STEP).until(() -> partition(admin, "replayed").isr().size() == 3);
            String topicId = admin.describeTopics(List.of("replayed")).get("replayed").topicId();
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writer = new Thread(() -> writeUntilStopped(cluster.brokers(), "replayed", running, acknowledged),
                    "replayed-writer");
            writer.start();
            int restarted;
            int epochAtKill;
            try {
                for (int round = 0; round < 2; round++) {
                    int leader = partition(admin, "replayed").leader();
                    int atStop = acknowledged.size();
                    cluster.stop(leader);
                    await().atMost(STEP).until(() -> acknowledged.size() >= atStop + 300);
                    cluster.start(leader);
                    cluster.awaitReady(STEP);
                    await().atMost(STEP).until(() -> partition(admin, "replayed").isr().size() == 3);
                }
                restarted = partition(admin, "replayed").leader();
                epochAtKill = partition(admin, "replayed").leaderEpoch();
                cluster.kill(restarted);
                int atKill = acknowledged.size();
                await().atMost(STEP).until(() -> acknowledged.size() >= atKill + 1000);
                cluster.start(restarted);
                cluster.awaitReady(STEP);
                await().atMost(STEP).until(() -> partition(admin, "replayed").isr().size() == 3);
            } finally {
                running.set(false);
                writer.join(STEP.toMillis());
            }
            List<Integer> values = readAll(cluster.brokers(), "replayed").stream()
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertNoneLost(values, acknowledged);
            List<Integer> epochs = transitionEpochsSinceLastStart(cluster, restarted, topicId + "-0");
            assertThat(epochs).as("node %d led or followed the partition after its restart", restarted).isNotEmpty();
            assertThat(epochs).as("node %d never leads or follows at a leader epoch older than %d after a restart",
                    restarted, epochAtKill).allMatch(epoch -> epoch >= epochAtKill);
            System.out.printf("ReplicationIT: replayed acknowledged=%d read=%d restarted=%d epoch at kill=%d "
                    + "epochs after restart=%s%n", acknowledged.size(), values.size(), restarted, epochAtKill, epochs);
        }
    }

    private static void writeUntilStopped(String brokers, String topic, AtomicBoolean running,
                                          Set<Integer> acknowledged) {
        try (Producer<String, String> producer = producer(brokers, Map.of())) {
            for (int i = 0; running.get(); i++) {
                int value = i;
                producer.send(new ProducerRecord<>(topic, null, Integer.toString(value)), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(value);
                    }
                });
                if (i % 200 == 199) {
                    producer.flush();
                }
            }
            producer.flush();
        }
    }

    /**
     * The leader epochs of node {@code nodeId}'s lead/follow transitions of {@code partition} since it last started.
     */
    private static List<Integer> transitionEpochsSinceLastStart(DevCluster cluster, int nodeId, String partition)
            throws java.io.IOException {
        List<String> lines = Files.readAllLines(cluster.logFile(nodeId));
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Opened log store in")) {
                start = i;
            }
        }
        java.util.regex.Pattern transition = java.util.regex.Pattern.compile(
                "(Leading|Following) " + java.util.regex.Pattern.quote(partition) + " .*at leader epoch (\\d+)");
        List<Integer> epochs = new ArrayList<>();
        for (String line : lines.subList(start, lines.size())) {
            java.util.regex.Matcher matcher = transition.matcher(line);
            if (matcher.find()) {
                epochs.add(Integer.parseInt(matcher.group(2)));
            }
        }
        return epochs;
    }

    @Test
    void controlledShutdownFailsNoSendAndLeadershipReturnsToThePreferredReplica() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("orderly", 1, (short) 3, Map.of("min.insync.replicas", "2")));
            await().atMost(STEP).until(() -> partition(admin, "orderly").isr().size() == 3);
            int preferred = partition(admin, "orderly").replicas().get(0);
            await().atMost(STEP).until(() -> partition(admin, "orderly").leader() == preferred);
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                try (Producer<String, String> producer = producer(cluster.brokers(), Map.of())) {
                    for (int i = 0; running.get(); i++) {
                        int value = i;
                        producer.send(new ProducerRecord<>("orderly", null, Integer.toString(value)),
                                (metadata, error) -> {
                                    if (error == null) {
                                        acknowledged.add(value);
                                    } else {
                                        failures.add(error);
                                    }
                                });
                        if (i % 200 == 199) {
                            producer.flush();
                        }
                    }
                    producer.flush();
                }
            }, "orderly-writer");
            writer.start();
            String others = cluster.nodes().keySet().stream().filter(id -> id != preferred)
                    .map(cluster::broker).reduce((a, b) -> a + "," + b).orElseThrow();
            try (Admin live = QuorumCluster.admin(others)) {
                await().atMost(STEP).until(() -> acknowledged.size() >= 2000);
                long stopStart = System.nanoTime();
                cluster.stop(preferred);
                long stopMs = (System.nanoTime() - stopStart) / 1_000_000;
                int atStop = acknowledged.size();
                await().atMost(STEP).until(() -> acknowledged.size() >= atStop + 2000);
                PartitionDescription moved = partition(live, "orderly");
                assertThat(moved.leader()).as("leadership moved off the stopped broker").isNotIn(preferred, -1);
                assertThat(moved.isr()).as("the stopped broker left the ISR").doesNotContain(preferred);
                SluiceProcess.Result info = SluiceProcess.run(null, 60, "cluster", "info", "--brokers", others);
                // __consumer_offsets may be listed too: its replication factor depends on how many brokers were up
                // when it was created, so some of its partitions may be offline or under-replicated now.
                String[] sections = info.stdout().split("Offline partitions: ");
                assertThat(sections).as(info.stdout()).hasSize(2);
                assertThat(sections[0]).as(info.stdout()).doesNotContain("Under-replicated partitions: 0")
                        .containsPattern("(?m)^orderly +0 +" + moved.leader() + " ");
                assertThat(sections[1]).as(info.stdout()).doesNotContain("orderly");
                System.out.printf("ReplicationIT: SIGTERM of leader %d took %d ms; new leader %d%n", preferred,
                        stopMs, moved.leader());
                cluster.start(preferred);
                cluster.awaitReady(STEP);
                await().atMost(STEP).until(() -> partition(live, "orderly").isr().size() == 3);
                long rejoined = System.nanoTime();
                await().atMost(STEP).until(() -> partition(live, "orderly").leader() == preferred);
                System.out.printf("ReplicationIT: leadership back on %d %d ms after it rejoined the ISR%n",
                        preferred, (System.nanoTime() - rejoined) / 1_000_000);
            } finally {
                running.set(false);
                writer.join(STEP.toMillis());
            }
            assertThat(failures).as("no send failed across the controlled shutdown").isEmpty();
            List<Integer> values = readAll(cluster.brokers(), "orderly").stream()
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertNoneLost(values, acknowledged);
            assertThat(values).as("no record appears twice").doesNotHaveDuplicates();
        }
    }

    @Test
    void partitionReassignMovesAPartitionToNewReplicas() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            admin.createTopics(List.of(new NewTopic("moving", 1, (short) 1, Map.of())));
            await().atMost(STEP).until(() -> partition(admin, "moving").leader() >= 0);
            try (Producer<String, String> producer = producer(cluster.brokers(), Map.of())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("moving", null, Integer.toString(i)));
                }
                producer.flush();
            }
            int old = partition(admin, "moving").replicas().get(0);
            List<Integer> target = cluster.nodes().keySet().stream().filter(id -> id != old).sorted().toList();
            SluiceProcess.Result result = SluiceProcess.run(null, 120, "partition", "reassign", "--topic", "moving",
                    "--partition", "0", "--replicas", target.get(0) + "," + target.get(1), "--brokers",
                    cluster.brokers());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout()).contains("Before:", "Adding:", "Done:");
            await().atMost(STEP).until(() -> partition(admin, "moving").replicas().equals(target)
                    && partition(admin, "moving").isr().size() == 2 && target.contains(partition(admin, "moving")
                    .leader()));
            List<Integer> values = readAll(cluster.brokers(), "moving").stream()
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertThat(values).as("every record is on the new replicas").hasSize(100);
            System.out.printf("ReplicationIT: reassign output:%n%s", result.stdout());
        }
    }

    /**
     * {@code sluice broker drain}, the step before scaling brokers down: no replica stays, no record is lost. Four
     * nodes, since {@code __consumer_offsets} has three replicas and they must fit on the brokers that stay.
     */
    @Test
    void brokerDrainMovesEveryReplicaOffABroker() throws Exception {
        try (DevCluster cluster = combinedNodes(4); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("draining", 3, (short) 2, Map.of()));
            await().atMost(STEP).until(() -> admin.describeTopics(List.of("draining")).get("draining").partitions()
                    .stream().allMatch(p -> p.isr().size() == 2));
            try (Producer<String, String> producer = producer(cluster.brokers(), Map.of())) {
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>("draining", Integer.toString(i), Integer.toString(i)));
                }
                producer.flush();
            }
            int drained = cluster.nodes().keySet().stream().max(Integer::compare).orElseThrow();
            SluiceProcess.Result result = SluiceProcess.run(null, 120, "broker", "drain", "--ids",
                    Integer.toString(drained), "--brokers", cluster.brokers());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout()).contains("Plan:", "Done: brokers [" + drained + "] hold no replicas");
            for (TopicListing listing : admin.listTopics(true)) {
                for (PartitionDescription p : admin.describeTopics(List.of(listing.name())).get(listing.name())
                        .partitions()) {
                    assertThat(p.replicas()).as(listing.name() + "-" + p.partition()).doesNotContain(drained)
                            .hasSize(listing.replicationFactor());
                    assertThat(p.leader()).as(listing.name() + "-" + p.partition() + " has a leader").isNotNegative();
                }
            }
            SluiceProcess.Result again = SluiceProcess.run(null, 60, "broker", "drain", "--ids",
                    Integer.toString(drained), "--brokers", cluster.brokers());
            assertThat(again.stdout()).contains("Nothing to move");
            List<Integer> values = readAll(cluster.brokers(), "draining", 3).stream()
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertThat(values).as("every record is on the remaining replicas").hasSize(300);
            System.out.printf("ReplicationIT: drain output:%n%s", result.stdout());
        }
    }

    @Test
    void aPausedFollowerLeavesTheIsrAndReturns() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("paused", 1, (short) 3, Map.of()));
            await().atMost(STEP).until(() -> partition(admin, "paused").isr().size() == 3);
            PartitionDescription before = partition(admin, "paused");
            int follower = before.replicas().stream().filter(id -> id != before.leader()).findFirst().orElseThrow();
            String otherBrokers = cluster.nodes().keySet().stream().filter(id -> id != follower)
                    .map(cluster::broker).reduce((a, b) -> a + "," + b).orElseThrow();
            try (Admin live = QuorumCluster.admin(otherBrokers);
                 Producer<String, String> producer = producer(otherBrokers, Map.of())) {
                cluster.pause(follower);
                try {
                    producer.send(new ProducerRecord<>("paused", null, "while-paused")).get(60, TimeUnit.SECONDS);
                    await().atMost(STEP).until(() -> !partition(live, "paused").isr().contains(follower));
                } finally {
                    cluster.resume(follower);
                }
                producer.send(new ProducerRecord<>("paused", null, "after-resume")).get(60, TimeUnit.SECONDS);
                await().atMost(STEP).until(() -> partition(live, "paused").isr().contains(follower));
            }
        }
    }

    /**
     * {@code durable.acks=true} end to end on real processes: every acknowledged write is read back, and it cost
     * fsyncs on every replica (the group commit's counter), not only on the leader.
     */
    @Test
    void durableAcksWritesAreAcknowledgedAfterFsyncsOnEveryReplica() throws Exception {
        try (DevCluster cluster = combinedNodes(3); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("durable", 1, (short) 3,
                    Map.of("min.insync.replicas", "2", "durable.acks", "true")));
            await().atMost(STEP).until(() -> partition(admin, "durable").isr().size() == 3);
            Map<Integer, Double> fsyncsBefore = new HashMap<>();
            for (int node : cluster.nodes().keySet()) {
                fsyncsBefore.put(node, fsyncs(cluster, node));
            }
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            try (Producer<String, String> producer = producer(cluster.brokers(), Map.of())) {
                List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    int value = i;
                    sends.add(producer.send(new ProducerRecord<>("durable", null, Integer.toString(i)),
                            (metadata, error) -> {
                                if (error == null) {
                                    acknowledged.add(value);
                                }
                            }));
                }
                for (java.util.concurrent.Future<?> send : sends) {
                    send.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(acknowledged).hasSize(2000);
            List<Integer> values = readAll(cluster.brokers(), "durable").stream()
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertNoneLost(values, acknowledged);
            for (int node : cluster.nodes().keySet()) {
                assertThat(fsyncs(cluster, node)).as("fsyncs on node %d", node)
                        .isGreaterThan(fsyncsBefore.get(node));
            }
        }
    }

    /** The node's {@code sluice_log_fsyncs_total}, from its metrics endpoint. */
    private static double fsyncs(DevCluster cluster, int nodeId) throws Exception {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + cluster.nodes().get(nodeId).httpPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("sluice_log_fsyncs_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sluice_log_fsyncs_total on node " + nodeId));
    }

    @Test
    void minInsyncReplicasRefusesAcksAllWhileTwoReplicasAreDown() throws Exception {
        // One controller-only node keeps the metadata quorum alive while two of the three brokers are down.
        List<DevCluster.NodeSpec> specs = List.of(
                new DevCluster.NodeSpec(1, "controller", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(2, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(3, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(4, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()));
        try (DevCluster cluster = start(specs); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            createWhenPlaceable(admin, new NewTopic("guarded", 1, (short) 3, Map.of("min.insync.replicas", "2")));
            await().atMost(STEP).until(() -> partition(admin, "guarded").isr().size() == 3);
            int leader = partition(admin, "guarded").leader();
            List<Integer> followers = partition(admin, "guarded").replicas().stream()
                    .filter(id -> id != leader).toList();
            for (int follower : followers) {
                cluster.kill(follower);
            }
            try (Admin live = QuorumCluster.admin(cluster.broker(leader))) {
                await().atMost(STEP).until(() -> partition(live, "guarded").isr().size() == 1);
                try (Producer<String, String> producer = producer(cluster.broker(leader),
                        Map.of("delivery.timeout.ms", 3000, "request.timeout.ms", 1000))) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>("guarded", null, "refused"))
                            .get(60, TimeUnit.SECONDS)).hasMessageContaining("min.insync.replicas");
                }
                cluster.start(followers.get(0));
                await().atMost(STEP).until(() -> partition(live, "guarded").isr().size() == 2);
                try (Producer<String, String> producer = producer(cluster.broker(leader), Map.of())) {
                    assertThat(producer.send(new ProducerRecord<>("guarded", null, "accepted"))
                            .get(60, TimeUnit.SECONDS).offset()).isGreaterThanOrEqualTo(0);
                }
            }
        }
    }

    /**
     * Every acknowledged value is among those read. A set difference, not AssertJ's {@code containsAll}: that one
     * compares element by element (quadratic), and a fast machine acknowledges a few hundred thousand values here,
     * which made one test spend nine minutes in the assertion.
     */
    private static void assertNoneLost(List<Integer> values, Set<Integer> acknowledged) {
        Set<Integer> lost = new java.util.TreeSet<>(acknowledged);
        lost.removeAll(new java.util.HashSet<>(values));
        assertThat(lost).as("acknowledged values missing from the log (%d acknowledged, %d read)",
                acknowledged.size(), values.size()).isEmpty();
    }

    /** Every record of {@code topic}'s partition 0 up to its end offset at the start. */
    static List<ConsumerRecord<String, String>> readAll(String brokers, String topic) {
        return readAll(brokers, topic, 1);
    }

    /** Every record of partitions 0 to {@code partitions - 1}, up to the end offsets read first. */
    static List<ConsumerRecord<String, String>> readAll(String brokers, String topic, int partitions) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        List<TopicPartition> assigned = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            assigned.add(new TopicPartition(topic, i));
        }
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", brokers,
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + STEP.toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
