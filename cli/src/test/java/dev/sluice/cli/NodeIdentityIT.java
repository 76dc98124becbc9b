package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.BrokerNode;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code sluice server} started with a live node's id, as real processes. It used to take the node's place
 * in turn, forever: each registration fenced the other, partition leader epochs climbed without end. Now the
 * impostor is refused and exits non-zero with a message naming the id, and the cluster's Raft epoch and partition
 * leader epochs stay where they were. Also: the startup errors for a node that could only be an impostor or a typo.
 */
class NodeIdentityIT {
    /** Short sessions so the impostor's wait for a dead predecessor's session (two of them) is short. */
    private static final String FAST_SESSIONS = "broker.session.timeout.ms=3000\nbroker.heartbeat.interval.ms=500\n";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(120);

    // Kept when the test fails: the node logs explain an unexpected outcome.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    /** What must not move while the impostor runs: the Raft epoch and each partition's leader and epoch. */
    private record Epochs(int raftEpoch, Map<Integer, String> partitions) {
        static Epochs of(Admin admin) {
            Map<Integer, String> partitions = admin.describeTopics(List.of("orders")).get("orders").partitions()
                    .stream().collect(Collectors.toMap(PartitionDescription::partition,
                            p -> "leader " + p.leader() + " epoch " + p.leaderEpoch()));
            return new Epochs(admin.describeCluster().quorum().leaderEpoch(), partitions);
        }
    }

    private Path config() throws Exception {
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, FAST_SESSIONS);
        return config;
    }

    /** Starts {@code sluice server} with {@code args} (plus free broker and HTTP ports), logging to {@code log}. */
    private static Process startServer(Path log, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("server", "--broker-port",
                Integer.toString(SluiceProcess.freePort()), "--http-port", Integer.toString(SluiceProcess.freePort()),
                "--kafka-port", "0"));
        command.addAll(args);
        return SluiceProcess.builder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int awaitExit(Process process, Path log) throws Exception {
        if (!process.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the impostor did not stop within " + EXIT_WITHIN.toSeconds() + " s; see " + log);
        }
        return process.exitValue();
    }

    /** Creates "orders" (2 partitions, on both brokers) and waits until every partition has a leader. */
    private static Epochs createOrders(Admin admin) {
        admin.createTopics(List.of(new NewTopic("orders", 2, 2)));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of("orders")).get("orders")
                .partitions().stream().allMatch(p -> p.leader() >= 0 && p.isr().size() == 2));
        return Epochs.of(admin);
    }

    /**
     * The leader refuses the second broker's metadata fetches (broker 2's fetches come from another data directory),
     * so it never catches up, and it stops once that has lasted a few fetch timeouts. (Had it caught up, the
     * controller would refuse its registration with {@code DUPLICATE_BROKER_REGISTRATION}: see
     * BrokerLifecycleIdentityTest.)
     */
    @Test
    void aSecondBrokerWithALiveBrokersIdIsRefusedAndExits() throws Exception {
        List<DevCluster.NodeSpec> specs = List.of(
                new DevCluster.NodeSpec(1, "controller,broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(2, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()));
        String clusterId = "identity-" + UUID.randomUUID();
        try (DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                clusterId, specs)) {
            cluster.setExtraServerArgs(List.of("--config", config().toString()));
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(90));
            try (Admin admin = QuorumCluster.admin(cluster.brokers())) {
                Epochs before = createOrders(admin);

                Path log = dataDir.resolve("impostor.log");
                Process impostor = startServer(log, List.of("--node-id", "2", "--roles", "broker", "--cluster-id",
                        clusterId, "--controller-quorum", cluster.quorum(), "--host", "127.0.0.1",
                        "--data-dir", dataDir.resolve("impostor-data").toString(), "--config", config().toString()));
                int exitCode = awaitExit(impostor, log);

                String output = Files.readString(log);
                assertThat(exitCode).as("non-zero; see %s", log).isNotZero();
                assertThat(output).contains("another live process (another data directory) holds node id 2")
                        .contains("exit code 70");
                assertThat(Epochs.of(admin)).as("nothing was fenced or re-elected").isEqualTo(before);
                assertThat(admin.describeCluster().brokers()).extracting(BrokerNode::id)
                        .containsExactlyInAnyOrder(1, 2);
                assertThat(cluster.isReady(2)).as("the real broker 2 kept its session").isTrue();
            }
        }
    }

    /**
     * The impostor of voter 2 passes every startup check: the quorum names voters by host name ("localhost"), and it
     * listens on the voter's controller port at another loopback address. The other voter refuses its Raft requests
     * (it knows voter 2's data directory from voter 2's fetches if it leads, from voter 2's fetch responses if voter
     * 2 leads), and the impostor stops once that has lasted a few fetch timeouts.
     */
    @Test
    void aSecondProcessWithALiveVotersIdIsRefusedAndExits() throws Exception {
        List<DevCluster.NodeSpec> specs = List.of(
                new DevCluster.NodeSpec(1, SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(2, SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()));
        String clusterId = "identity-" + UUID.randomUUID();
        try (DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "localhost", dataDir,
                clusterId, specs)) {
            cluster.setExtraServerArgs(List.of("--config", config().toString()));
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(90));
            try (Admin admin = QuorumCluster.admin(cluster.brokers())) {
                Epochs before = createOrders(admin);

                Path log = dataDir.resolve("impostor.log");
                Process impostor = startServer(log, List.of("--node-id", "2", "--cluster-id", clusterId,
                        "--controller-quorum", cluster.quorum(), "--host", "127.0.0.2",
                        "--controller-port", Integer.toString(specs.get(1).controllerPort()),
                        "--data-dir", dataDir.resolve("impostor-data").toString(), "--config", config().toString()));
                int exitCode = awaitExit(impostor, log);

                String output = Files.readString(log);
                assertThat(exitCode).as("non-zero; see %s", log).isNotZero();
                assertThat(output).contains("another live process (another data directory) holds node id 2")
                        .contains("exit code 70");
                assertThat(Epochs.of(admin)).as("no election, nothing fenced").isEqualTo(before);
                assertThat(cluster.isReady(1) && cluster.isReady(2)).isTrue();
            }
        }
    }

    @Test
    void aNodeThatCanOnlyBeATypoOrAnImpostorIsRefusedAtStartWritingNothing() throws Exception {
        Path data = dataDir.resolve("refused");
        SluiceProcess.Result brokerWithVoterId = SluiceProcess.run(null, 60, "server", "--node-id", "1", "--roles",
                "broker", "--cluster-id", "c1", "--controller-quorum", "1@127.0.0.1:7093,2@127.0.0.1:7103",
                "--data-dir", data.toString());
        assertThat(brokerWithVoterId.exitCode()).isEqualTo(CliErrors.USAGE);
        assertThat(brokerWithVoterId.stderr()).contains("node 1 is a voter");

        SluiceProcess.Result listedTwice = SluiceProcess.run(null, 60, "server", "--node-id", "1", "--cluster-id",
                "c1", "--controller-quorum", "1@127.0.0.1:7093,1@127.0.0.1:7103", "--data-dir", data.toString());
        assertThat(listedTwice.exitCode()).isEqualTo(CliErrors.USAGE);
        assertThat(listedTwice.stderr()).contains("voter 1 is listed twice");
        assertThat(data).as("refused before anything was written").doesNotExist();
    }

    @Test
    void anEmptyMetaPropertiesIsReportedAsDamaged() throws Exception {
        Path data = dataDir.resolve("damaged");
        Files.createDirectories(data.resolve("metadata"));
        Files.writeString(data.resolve("meta.properties"), "");
        SluiceProcess.Result result = SluiceProcess.run(null, 60, "server", "--data-dir", data.toString(),
                "--host", "127.0.0.1", "--broker-port", "0", "--controller-port", "0", "--http-port", "0",
                "--kafka-port", "0");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("meta.properties in data directory").contains("is damaged")
                .contains("--adopt-data-dir").doesNotContain("belongs to node -1");
    }
}
