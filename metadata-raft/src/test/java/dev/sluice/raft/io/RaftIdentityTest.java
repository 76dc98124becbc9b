package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.fault.FaultHandler;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft requests carry the sender's identity (cluster, data directory) and are checked before the core sees them:
 * three voters of cluster "c1" on loopback gRPC, then a node of another cluster, or a second process with a live
 * voter's id, tries to join.
 */
class RaftIdentityTest {
    private static final long FETCH_TIMEOUT_MS = 1000;

    @TempDir
    Path dataDir;

    private final Map<Integer, InetSocketAddress> voters = new HashMap<>();
    private final Map<String, RaftNode> nodes = new HashMap<>();
    private final Map<String, RecordingListener> listeners = new HashMap<>();
    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final List<String> faults = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startQuorum() throws IOException {
        for (int nodeId = 1; nodeId <= 3; nodeId++) {
            voters.put(nodeId, new InetSocketAddress("127.0.0.1", TestPorts.freePort()));
        }
        for (int nodeId = 1; nodeId <= 3; nodeId++) {
            start("voter-" + nodeId, nodeId, "c1", voters.get(nodeId).getPort());
        }
    }

    @AfterEach
    void stopAll() {
        nodes.values().forEach(RaftNode::close);
        servers.forEach(Server::shutdownNow);
    }

    /** Starts a node named {@code name} with its own data directory (and so its own directory id). */
    private RaftNode start(String name, int nodeId, String clusterId, int port) throws IOException {
        RecordingListener listener = new RecordingListener();
        NodeIdentity identity = new NodeIdentity(clusterId, "directory-" + name, "incarnation-" + name);
        RaftNodeConfig config = new RaftNodeConfig(nodeId, dataDir.resolve(name), voters, 300, FETCH_TIMEOUT_MS,
            identity);
        FaultHandler recordFault = (message, cause) -> faults.add(name + ": " + message);
        RaftNode node = new RaftNode(config, listener, recordFault);
        servers.add(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(node.service()).build().start());
        node.start();
        nodes.put(name, node);
        listeners.put(name, listener);
        return node;
    }

    private RaftNode awaitLeader() {
        RaftNode[] leader = new RaftNode[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (int nodeId = 1; nodeId <= 3; nodeId++) {
                RaftNode node = nodes.get("voter-" + nodeId);
                if (node.status().leaderId() == nodeId) {
                    leader[0] = node;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anObserverOfAnotherClusterFetchesNothing() throws Exception {
        RaftNode leader = awaitLeader();
        leader.append(bytes("first")).get(10, TimeUnit.SECONDS);
        start("same-cluster", 4, "c1", TestPorts.freePort());
        start("other-cluster", 5, "c2", TestPorts.freePort());
        leader.append(bytes("second")).get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(15))
            .until(() -> listeners.get("same-cluster").payloads().equals(List.of("first", "second")));
        assertThat(listeners.get("other-cluster").payloads()).as("refused, while its twin of c1 caught up")
            .isEmpty();
        assertThat(nodes.get("other-cluster").status().leaderId()).isEqualTo(-1);
        assertThat(leader.status().observers()).extracting(ReplicaStatus::nodeId).containsExactly(4);
        assertThat(faults).as("a cluster mismatch is logged, not fatal").isEmpty();
    }

    @Test
    void aSecondProcessWithALiveFollowersIdIsRefusedAndStopsWhileTheQuorumKeepsItsEpoch() throws Exception {
        RaftNode leader = awaitLeader();
        int leaderId = leader.status().leaderId();
        impostorIsRefusedAndStops(leader, leaderId == 1 ? 2 : 1);
    }

    /** The followers refuse it: they learn the leader's directory from its fetch responses. */
    @Test
    void aSecondProcessWithTheLeadersIdIsRefusedAndStopsWhileTheQuorumKeepsItsEpoch() throws Exception {
        RaftNode leader = awaitLeader();
        impostorIsRefusedAndStops(leader, leader.status().leaderId());
    }

    private void impostorIsRefusedAndStops(RaftNode leader, int impersonatedId) throws Exception {
        leader.append(bytes("first")).get(10, TimeUnit.SECONDS);
        int leaderId = leader.status().leaderId();
        int epoch = leader.status().epoch();
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.values().stream()
            .allMatch(listener -> listener.payloads().contains("first")));

        // Same voter id and voter list, its own data directory and port (no peer ever sends to it).
        start("impostor", impersonatedId, "c1", TestPorts.freePort());
        await().atMost(Duration.ofSeconds(30)).until(() -> !faults.isEmpty());
        assertThat(faults).allMatch(fault -> fault.startsWith("impostor: "));
        assertThat(faults.get(0)).contains("refused node " + impersonatedId).contains("another live process");

        leader.append(bytes("second")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.get("voter-" + impersonatedId).payloads()
            .equals(List.of("first", "second")));
        assertThat(listeners.get("impostor").payloads()).as("no node served the impostor").isEmpty();
        assertThat(leader.status().leaderId()).isEqualTo(leaderId);
        assertThat(leader.status().epoch()).as("no election was disrupted").isEqualTo(epoch);
        for (int nodeId = 1; nodeId <= 3; nodeId++) {
            assertThat(listeners.get("voter-" + nodeId).leaderChanges)
                .extracting(RecordingListener.LeaderChange::epoch).allMatch(seen -> seen <= epoch);
        }
    }
}
