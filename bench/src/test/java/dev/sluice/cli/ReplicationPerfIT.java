package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication measurements on 3 combined {@code bin/sluice server} processes with default settings, printed as
 * {@code perf-replication:} lines (not timed assertions): the time from SIGKILL of a partition's leader to the
 * first acknowledged {@code acks=all} write ({@code -Dreplication.trials=N}, default 10), and {@code sluice perf
 * produce} throughput of 100-byte records at RF 1 ({@code acks=1}) and RF 3 ({@code acks=1}, {@code acks=all})
 * ({@code -Dreplication.records=N}, default 1,000,000). Run: {@code ./mvnw -o -pl bench -am verify -Pslow
 * -Dit.test=ReplicationPerfIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class ReplicationPerfIT {
    private static final int TRIALS = Integer.getInteger("replication.trials", 10);
    private static final int RECORDS = Integer.getInteger("replication.records", 1_000_000);
    private static final Duration STEP = Duration.ofSeconds(90);

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void measure() throws Exception {
        try (DevCluster cluster = QuorumCluster.start(dataDir, 3);
             Admin admin = QuorumCluster.admin(cluster.brokers())) {
            cluster.awaitReady(STEP);
            throughput(cluster, admin, "rf1-acks1", 1, "1");
            throughput(cluster, admin, "rf3-acks1", 3, "1");
            throughput(cluster, admin, "rf3-acksall", 3, "all");
            List<Long> failovers = failovers(cluster, admin);
            Collections.sort(failovers);
            System.out.printf("perf-replication: kill_leader_to_acks_all_write median_ms=%d max_ms=%d trials=%d%n",
                    failovers.get(failovers.size() / 2), failovers.get(failovers.size() - 1), failovers.size());
            assertThat(failovers).hasSize(TRIALS);
        }
    }

    private static void throughput(DevCluster cluster, Admin admin, String topic, int replicationFactor,
            String acks) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 6, replicationFactor)));
        await().atMost(STEP).until(() -> admin.describeTopics(List.of(topic)).get(topic).partitions().stream()
                .allMatch(p -> p.leader() >= 0 && p.isr().size() == replicationFactor));
        SluiceProcess.Result result = SluiceProcess.run(null, 600, "perf", "produce", "--topic", topic,
                "--records", Integer.toString(RECORDS), "--record-size", "100", "--acks", acks,
                "--brokers", cluster.brokers());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        System.out.printf("perf-replication: rf=%d acks=%s %s%n", replicationFactor, acks, result.stdout().strip());
    }

    private static List<Long> failovers(DevCluster cluster, Admin admin) throws Exception {
        admin.createTopics(List.of(new NewTopic("failover", 1, (short) 3, Map.of("min.insync.replicas", "2"))));
        List<Long> failovers = new ArrayList<>();
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", cluster.brokers(),
                "acks", "all", "linger.ms", 0, "request.timeout.ms", 1000, "retry.backoff.ms", 50,
                "delivery.timeout.ms", 120_000), new StringSerializer(), new StringSerializer())) {
            for (int trial = 0; trial < TRIALS; trial++) {
                await().atMost(STEP).until(() -> {
                    PartitionDescription p = admin.describeTopics(List.of("failover")).get("failover")
                            .partitions().get(0);
                    return p.leader() >= 0 && p.isr().size() == 3;
                });
                producer.send(new ProducerRecord<>("failover", null, "warm-" + trial)).get(60, TimeUnit.SECONDS);
                int leader = admin.describeTopics(List.of("failover")).get("failover").partitions().get(0).leader();
                long killedNanos = System.nanoTime();
                cluster.kill(leader);
                producer.send(new ProducerRecord<>("failover", null, "after-" + trial)).get(120, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - killedNanos) / 1_000_000;
                failovers.add(ms);
                System.out.printf("perf-replication: trial=%d killed_leader=%d first_acks_all_write_ms=%d%n", trial,
                        leader, ms);
                cluster.start(leader);
                cluster.awaitReady(STEP);
            }
        }
        return failovers;
    }
}
