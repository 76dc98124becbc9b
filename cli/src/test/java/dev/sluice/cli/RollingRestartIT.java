package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart as a Kubernetes StatefulSet does it, on real {@code bin/sluice server} processes: three
 * controller-only nodes (1-3) and two broker-only nodes (4, 5), each restarted in turn, highest ordinal first
 * (3, 2, 1, then 5, 4): SIGTERM, wait for the exit, start again, wait until {@code /readyz} answers 200. Meanwhile an
 * {@code acks=all} producer and a consumer group run on a topic with replication factor 2 and
 * {@code min.insync.replicas=1} (and {@code __consumer_offsets} with replication factor 2), and a watcher polls the
 * metadata.
 *
 * <p>What must hold: the moment a restarted node is ready, no partition is under-replicated (the readiness rule of
 * {@code ReplicaCatchUp}: with replication factor 2 and one replica behind, stopping the next broker would leave
 * partitions with no in-sync replica); no partition is ever offline; every acknowledged record is consumed, once,
 * at the offset it was acknowledged at, in the order it was sent.
 */
class RollingRestartIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String TOPIC = "rolling";
    private static final int PARTITIONS = 4;
    /** StatefulSet order: each pool from its highest ordinal down; controllers first. */
    private static final List<Integer> RESTART_ORDER = List.of(3, 2, 1, 5, 4);
    private static final List<Integer> BROKERS = List.of(4, 5);

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    private DevCluster start() throws Exception {
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, "offsets.topic.replication.factor=2\noffsets.topic.num.partitions=3\n");
        List<DevCluster.NodeSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            specs.add(new DevCluster.NodeSpec(id, id <= 3 ? "controller" : "broker", SluiceProcess.freePort(),
                    SluiceProcess.freePort(), SluiceProcess.freePort()));
        }
        DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "rolling-" + UUID.randomUUID(), specs);
        cluster.setExtraServerArgs(List.of("--config", config.toString()));
        try {
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(90));
        } catch (Exception | AssertionError e) {
            cluster.close();  // or the nodes that did start outlive the test
            throw e;
        }
        return cluster;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRollingRestartUnderLoadLosesNothingAndTakesNoPartitionOffline() throws Exception {
        long startNanos = System.nanoTime();
        try (DevCluster cluster = start(); Admin admin = QuorumCluster.admin(cluster.brokers())) {
            long readyNanos = System.nanoTime();
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 2,
                    Map.of("min.insync.replicas", "1"))));
            await().atMost(STEP).until(() -> underReplicated(admin).isEmpty());
            assertThat(admin.describeTopics(List.of(GroupCoordinator.OFFSETS_TOPIC)).get(GroupCoordinator.OFFSETS_TOPIC)
                    .partitions()).allSatisfy(p -> assertThat(p.replicas()).as("offsets topic replicas").hasSize(2));

            try (RollingWorkload workload = RollingWorkload.start(cluster.brokers(), TOPIC)) {
                workload.awaitAcknowledged(2000, STEP);
                for (int nodeId : RESTART_ORDER) {
                    restart(cluster, nodeId);
                    workload.awaitAcknowledged(workload.acknowledged() + 500, STEP);
                }
                RollingWorkload.Result result = workload.finish(admin, STEP);
                System.out.printf("RollingRestartIT: cluster ready in %d ms; %s%n",
                        TimeUnit.NANOSECONDS.toMillis(readyNanos - startNanos), result);
                assertThat(result.metadataPolls()).as("the watcher saw the metadata throughout").isGreaterThan(50);
                assertThat(result.offline()).as("partitions seen without a leader").isEmpty();
                result.assertNothingAcknowledgedLost();
                assertThat(result.finalCommitSucceeded()).as("the group still commits after the restarts").isTrue();
            }
        }
        System.out.printf("RollingRestartIT: total %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - startNanos));
    }

    /**
     * One StatefulSet step: SIGTERM and wait for the exit, start again, wait until {@code /readyz} is 200, then check
     * at once (no waiting: that is what readiness promises) that no partition is under-replicated, as the restarted
     * broker sees it (or, after a controller restart, as the brokers see it).
     */
    private static void restart(DevCluster cluster, int nodeId) throws Exception {
        long stopNanos = System.nanoTime();
        cluster.stop(nodeId);
        long stoppedNanos = System.nanoTime();
        int exitCode = cluster.onExit(nodeId).get().exitValue();
        assertThat(exitCode).as("node %d exited on SIGTERM, not SIGKILL after the grace period", nodeId)
                .isNotEqualTo(137);
        cluster.start(nodeId);
        awaitReady(cluster, nodeId);
        long readyNanos = System.nanoTime();
        String view = BROKERS.contains(nodeId) ? cluster.broker(nodeId) : cluster.brokers();
        try (Admin admin = QuorumCluster.admin(view)) {
            assertThat(underReplicated(admin)).as("under-replicated partitions once node %d is ready", nodeId)
                    .isEmpty();
        }
        System.out.printf("RollingRestartIT: node %d stopped in %d ms (exit %d), ready %d ms after its start%n",
                nodeId, TimeUnit.NANOSECONDS.toMillis(stoppedNanos - stopNanos), exitCode,
                TimeUnit.NANOSECONDS.toMillis(readyNanos - stoppedNanos));
    }

    private static void awaitReady(DevCluster cluster, int nodeId) {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!cluster.isReady(nodeId)) {
            assertThat(cluster.isAlive(nodeId)).as("node %d is running; see %s", nodeId, cluster.logFile(nodeId))
                    .isTrue();
            assertThat(System.nanoTime()).as("node %d ready within %s; see %s", nodeId, STEP, cluster.logFile(nodeId))
                    .isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Partitions of the test topic and of {@code __consumer_offsets} whose ISR is smaller than their replicas. */
    private static List<String> underReplicated(Admin admin) {
        List<String> lagging = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(List.of(TOPIC, GroupCoordinator.OFFSETS_TOPIC))
                .values()) {
            for (PartitionDescription partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    lagging.add(topic.name() + "-" + partition.partition() + " replicas " + partition.replicas()
                            + " isr " + partition.isr());
                }
            }
        }
        return lagging;
    }
}
