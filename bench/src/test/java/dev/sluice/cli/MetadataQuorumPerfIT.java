package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.TopicExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements on a 3-process cluster, printed as {@code perf-metadata:} lines (not timed assertions):
 * topic-creation latency on a healthy cluster (a client call through the leader's broker, and through a follower's,
 * which forwards), and the time from SIGKILL of the Raft leader to the next acknowledged topic creation, over
 * {@code -Dquorum.trials=N} trials (default 20). Run: {@code ./mvnw -o -pl bench -am verify -Pslow
 * -Dit.test=MetadataQuorumPerfIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class MetadataQuorumPerfIT {
    private static final int CREATES = Integer.getInteger("quorum.creates", 300);
    private static final int TRIALS = Integer.getInteger("quorum.trials", 20);

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;
    private int sequence;

    @Test
    void measure() throws Exception {
        try (DevCluster cluster = QuorumCluster.start(dataDir, 3)) {
            cluster.awaitReady(Duration.ofSeconds(90));
            int leader = QuorumCluster.awaitLeader(cluster, -1);
            int follower = leader % 3 + 1;
            try (Admin viaLeader = QuorumCluster.admin(cluster.broker(leader));
                 Admin viaFollower = QuorumCluster.admin(cluster.broker(follower))) {
                createTimed(viaLeader, 20);  // warm-up
                report("create_via_leader_broker", createTimed(viaLeader, CREATES));
                report("create_via_follower_broker", createTimed(viaFollower, CREATES));
            }
            List<Long> failovers = new ArrayList<>();
            try (Admin admin = QuorumCluster.admin(cluster.brokers())) {
                for (int trial = 0; trial < TRIALS; trial++) {
                    leader = QuorumCluster.awaitLeader(cluster, -1);
                    createTimed(admin, 3);
                    long killedNanos = System.nanoTime();
                    cluster.kill(leader);
                    createUntilAcknowledged(admin);
                    long ms = (System.nanoTime() - killedNanos) / 1_000_000;
                    failovers.add(ms);
                    System.out.printf("perf-metadata: trial=%d killed_leader=%d next_create_ms=%d%n", trial, leader,
                            ms);
                    cluster.start(leader);
                    cluster.awaitReady(Duration.ofSeconds(90));
                }
            }
            report("kill_leader_to_next_create", failovers);
            assertThat(failovers).hasSize(TRIALS);
        }
    }

    private List<Long> createTimed(Admin admin, int count) {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            admin.createTopics(List.of(new NewTopic(nextName(), 1, 3)));
            micros.add((System.nanoTime() - start) / 1_000);
        }
        return micros;
    }

    private void createUntilAcknowledged(Admin admin) {
        while (true) {
            try {
                // Replication factor 2: placeable while the killed node is down.
                admin.createTopics(List.of(new NewTopic(nextName(), 1, 2)));
                return;
            } catch (TopicExistsException e) {
                return;  // A retry of a creation that had committed: it is acknowledged all the same.
            } catch (RuntimeException e) {
                System.out.println("perf-metadata: create failed, retrying: " + e);
            }
        }
    }

    private String nextName() {
        return String.format("perf-%06d", sequence++);
    }

    private static void report(String name, List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        boolean micros = name.startsWith("create_via");
        double scale = micros ? 1000.0 : 1.0;
        System.out.printf("perf-metadata: %s n=%d p50_ms=%.2f p99_ms=%.2f min_ms=%.2f max_ms=%.2f%n", name,
                sorted.size(), percentile(sorted, 50) / scale, percentile(sorted, 99) / scale,
                sorted.get(0) / scale, sorted.get(sorted.size() - 1) / scale);
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
