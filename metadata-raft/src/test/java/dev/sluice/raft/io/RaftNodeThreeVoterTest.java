package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.identity.NodeIdentity;
import dev.sluice.testing.TestPorts;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three voters and one observer in one JVM, on loopback gRPC. */
class RaftNodeThreeVoterTest {
    @TempDir
    Path dataDir;

    private final Map<Integer, RaftNode> nodes = new HashMap<>();
    private final Map<Integer, Server> servers = new HashMap<>();
    private final Map<Integer, RecordingListener> listeners = new HashMap<>();

    @AfterEach
    void stopAll() {
        nodes.values().forEach(RaftNode::close);
        servers.values().forEach(Server::shutdownNow);
    }

    private void startNode(int nodeId, Map<Integer, InetSocketAddress> voters, int port) throws IOException {
        RecordingListener listener = new RecordingListener();
        RaftNodeConfig config = new RaftNodeConfig(nodeId, dataDir.resolve("node-" + nodeId), voters, 300, 1000,
            new NodeIdentity("test-cluster", "directory-" + nodeId, "incarnation-" + nodeId));
        RaftNode node = new RaftNode(config, listener);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(node.service()).build().start();
        node.start();
        nodes.put(nodeId, node);
        servers.put(nodeId, server);
        listeners.put(nodeId, listener);
    }

    private int awaitLeader(int excludedId) {
        int[] leader = new int[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Map.Entry<Integer, RaftNode> entry : nodes.entrySet()) {
                QuorumStatus status = entry.getValue().status();
                if (entry.getKey() != excludedId && status.leaderId() == entry.getKey()) {
                    leader[0] = entry.getKey();
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    @Test
    void electsALeaderReplicatesAndHandsOverOnClose() throws Exception {
        Map<Integer, InetSocketAddress> voters = new HashMap<>();
        Map<Integer, Integer> ports = new HashMap<>();
        for (int nodeId = 1; nodeId <= 4; nodeId++) {
            ports.put(nodeId, TestPorts.freePort());
            if (nodeId <= 3) {
                voters.put(nodeId, new InetSocketAddress("127.0.0.1", ports.get(nodeId)));
            }
        }
        for (int nodeId = 1; nodeId <= 4; nodeId++) {
            startNode(nodeId, voters, ports.get(nodeId));
        }
        int leaderId = awaitLeader(-1);
        RaftNode leader = nodes.get(leaderId);
        long offset = leader.append("first".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.values().stream()
            .allMatch(listener -> listener.payloads().contains("first")));
        assertThat(leader.status().voters()).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().observers().size() == 1);
        assertThat(leader.status().role()).isEqualTo("leader");
        assertThat(nodes.get(4).status().role()).as("a non-voter is an observer whatever its core's role")
            .isEqualTo("observer");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.entrySet().stream()
            .filter(entry -> entry.getKey() != leaderId && entry.getKey() <= 3)
            .allMatch(entry -> entry.getValue().status().role().equals("follower")));

        leader.close();
        nodes.remove(leaderId);
        int newLeaderId = awaitLeader(leaderId);
        assertThat(newLeaderId).isNotEqualTo(leaderId);
        RaftNode newLeader = nodes.get(newLeaderId);
        long second = newLeader.append("second".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertThat(second).isGreaterThan(offset);
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.keySet().stream()
            .allMatch(id -> listeners.get(id).payloads().equals(java.util.List.of("first", "second"))));
    }
}
