package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes in this JVM on loopback: a broker whose metadata image is held behind the quorum must not
 * answer a describe with the config as it was before an acknowledged change; the read barrier makes it wait.
 */
@Tag("integration")
class AdminReadBarrierTest {
    @TempDir
    Path dataDir;

    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    @Test
    void describeThroughALaggingBrokerSeesAnAcknowledgedAlter() throws Exception {
        startCluster();
        Node leader = Awaitility.await().atMost(Duration.ofSeconds(30)).until(this::raftLeader, n -> n != null);
        // The held node must not lead: a leader's appends complete only after its own image applied them.
        int writer = nodes.indexOf(leader);
        int lagging = (writer + 1) % 3;
        try (Admin viaWriter = admin(brokerPorts.get(writer)); Admin viaLagging = admin(brokerPorts.get(lagging))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                viaWriter.createTopics(List.of(new dev.sluice.client.NewTopic("t", 1, (short) 3)));
                return true;
            });
            viaWriter.alterConfigs("t", Map.of("retention.ms", "6360000"), List.of());
            assertThat(viaLagging.describeTopics(List.of("t")).get("t").configs())
                    .containsEntry("retention.ms", "6360000");

            AutoCloseable hold = nodes.get(lagging).holdMetadataForTest();
            viaWriter.alterConfigs("t", Map.of("retention.ms", "36660000"), List.of());
            CompletableFuture<Map<String, String>> described = CompletableFuture.supplyAsync(
                    () -> viaLagging.describeTopics(List.of("t")).get("t").configs());
            // Without the barrier the lagging broker would answer at once with 6360000.
            Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                    .until(() -> !described.isDone());
            hold.close();
            assertThat(described.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .containsEntry("retention.ms", "36660000");
        }
    }

    private Node raftLeader() {
        for (Node node : nodes) {
            int leaderId = node.quorumStatusForTest().leaderId();
            if (leaderId > 0 && nodes.get(leaderId - 1).quorumStatusForTest().leaderId() == leaderId) {
                return nodes.get(leaderId - 1);
            }
        }
        return null;
    }

    private static Admin admin(int port) {
        return Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port, "request.timeout.ms", 30_000,
                "default.api.timeout.ms", 60_000));
    }

    private void startCluster() throws IOException {
        int[][] ports = new int[3][3];
        StringBuilder quorum = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ports[i][j] = freePort();
            }
            quorum.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(ports[i][1]);
            brokerPorts.add(ports[i][0]);
        }
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Properties properties = new Properties();
            properties.setProperty(NodeConfig.NODE_ID, String.valueOf(i + 1));
            properties.setProperty(NodeConfig.DATA_DIR, dataDir.resolve("node-" + (i + 1)).toString());
            properties.setProperty(NodeConfig.HOST, "127.0.0.1");
            properties.setProperty(NodeConfig.BROKER_PORT, String.valueOf(ports[i][0]));
            properties.setProperty(NodeConfig.CONTROLLER_PORT, String.valueOf(ports[i][1]));
            properties.setProperty(NodeConfig.HTTP_PORT, String.valueOf(ports[i][2]));
            properties.setProperty(NodeConfig.CONTROLLER_QUORUM, quorum.toString());
            properties.setProperty(NodeConfig.CLUSTER_ID, "read-barrier-test");
            NodeConfig config = NodeConfig.parse(properties);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Node.start(config);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        starting.forEach(future -> nodes.add(future.join()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
