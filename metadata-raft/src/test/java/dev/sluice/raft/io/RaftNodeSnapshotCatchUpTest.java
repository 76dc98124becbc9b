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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three voters on loopback gRPC with a small snapshot interval: a voter that was down while the log start moved
 * past its log end catches up through FetchSnapshot when it comes back.
 */
class RaftNodeSnapshotCatchUpTest {
    private static final long SNAPSHOT_INTERVAL_ENTRIES = 20;

    @TempDir
    Path dataDir;

    private final Map<Integer, RaftNode> nodes = new HashMap<>();
    private final Map<Integer, Server> servers = new HashMap<>();
    private final Map<Integer, RecordingListener> listeners = new HashMap<>();
    private final Map<Integer, InetSocketAddress> voters = new HashMap<>();

    @AfterEach
    void stopAll() {
        nodes.values().forEach(RaftNode::close);
        servers.values().forEach(Server::shutdownNow);
    }

    private void startNode(int nodeId) throws IOException {
        RecordingListener listener = new RecordingListener();
        RaftNodeConfig config = new RaftNodeConfig(nodeId, dataDir.resolve("node-" + nodeId), voters, 300, 1000,
            SNAPSHOT_INTERVAL_ENTRIES, new NodeIdentity("test-cluster", "directory-" + nodeId, "incarnation"));
        RaftNode node = new RaftNode(config, listener);
        Server server = NettyServerBuilder.forAddress(voters.get(nodeId)).addService(node.service()).build().start();
        node.start();
        nodes.put(nodeId, node);
        servers.put(nodeId, server);
        listeners.put(nodeId, listener);
    }

    private void stopNode(int nodeId) {
        nodes.remove(nodeId).close();
        servers.remove(nodeId).shutdownNow();
    }

    private int awaitLeader() {
        int[] leader = new int[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Map.Entry<Integer, RaftNode> entry : nodes.entrySet()) {
                if (entry.getValue().status().leaderId() == entry.getKey()) {
                    leader[0] = entry.getKey();
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    @Test
    void aRestartedVoterBehindTheLogStartCatchesUpFromTheLeadersSnapshot() throws Exception {
        for (int nodeId = 1; nodeId <= 3; nodeId++) {
            voters.put(nodeId, new InetSocketAddress("127.0.0.1", TestPorts.freePort()));
        }
        for (int nodeId = 1; nodeId <= 3; nodeId++) {
            startNode(nodeId);
        }
        int leaderId = awaitLeader();
        RaftNode leader = nodes.get(leaderId);
        leader.append(bytes("before")).get(10, TimeUnit.SECONDS);
        int stoppedId = leaderId == 1 ? 2 : 1;
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.get(stoppedId).payloads().contains("before"));
        long stoppedEnd = nodes.get(stoppedId).status().logEndOffset();
        stopNode(stoppedId);

        // In rounds: one commit batch asks for at most one snapshot.
        for (int round = 0; round < 5; round++) {
            List<CompletableFuture<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                appends.add(leader.append(bytes("entry-" + (round * 40 + i))));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        RecordingListener leaderListener = listeners.get(leaderId);
        assertThat(leaderListener.snapshotsCreated).as("snapshots taken").isGreaterThanOrEqualTo(3);

        startNode(stoppedId);
        RecordingListener restarted = listeners.get(stoppedId);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> restarted.commits.equals(leaderListener.commits));
        assertThat(restarted.loadedSnapshots).as("caught up through the leader's snapshot").isNotEmpty();
        assertThat(restarted.loadedSnapshots.get(0).endOffset()).isGreaterThan(stoppedEnd);
        assertThat(restarted.payloads()).hasSize(201).startsWith("before", "entry-0");

        // Replicated after the snapshot too, and it survives another restart from its own storage.
        leader.append(bytes("after")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.payloads().contains("after"));
        stopNode(stoppedId);
        startNode(stoppedId);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> listeners.get(stoppedId).commits.equals(leaderListener.commits));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
