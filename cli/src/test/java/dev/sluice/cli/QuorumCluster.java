package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ClusterDescription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test helpers around a {@link DevCluster} of real {@code bin/sluice server} processes on free loopback ports. */
final class QuorumCluster {
    private QuorumCluster() {
    }

    static DevCluster start(Path dataDir, int nodes) throws Exception {
        return start(dataDir, nodes, List.of());
    }

    /** Like {@link #start(Path, int)}, with further {@code sluice server} arguments for every node. */
    static DevCluster start(Path dataDir, int nodes, List<String> serverArgs) throws Exception {
        List<DevCluster.NodeSpec> specs = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            specs.add(new DevCluster.NodeSpec(id, SluiceProcess.freePort(), SluiceProcess.freePort(),
                    SluiceProcess.freePort()));
        }
        DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "test-" + UUID.randomUUID(), specs);
        cluster.setExtraServerArgs(serverArgs);
        try {
            cluster.startAll();
        } catch (Exception | AssertionError e) {
            cluster.close();  // or the nodes that did start outlive the test
            throw e;
        }
        return cluster;
    }

    /** An admin client; generous timeouts so that a call rides out a controller failover. */
    static Admin admin(String brokers) {
        return Admin.create(Map.of("bootstrap.servers", brokers, "request.timeout.ms", 30_000,
                "default.api.timeout.ms", 60_000));
    }

    /** The active controller as node {@code askedNodeId} reports it (-1 when it knows none). */
    static int controllerSeenBy(DevCluster cluster, int askedNodeId) {
        try (Admin admin = admin(cluster.broker(askedNodeId))) {
            ClusterDescription description = admin.describeCluster();
            return description.controllerId();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The Raft epoch the live nodes report (their highest; a node that is behind may report an older one). */
    static int leaderEpoch(DevCluster cluster) {
        int epoch = -1;
        for (int nodeId : cluster.nodes().keySet()) {
            if (cluster.isAlive(nodeId)) {
                try (Admin admin = admin(cluster.broker(nodeId))) {
                    epoch = Math.max(epoch, admin.describeCluster().quorum().leaderEpoch());
                } catch (RuntimeException e) {
                    // A node that cannot answer now does not change the highest epoch the others report.
                }
            }
        }
        return epoch;
    }

    /** Waits (bounded) until a live node other than {@code excluded} reports itself as the controller. */
    static int awaitLeader(DevCluster cluster, int excluded) {
        java.util.concurrent.atomic.AtomicInteger leader = new java.util.concurrent.atomic.AtomicInteger(-1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
            for (int nodeId : cluster.nodes().keySet()) {
                if (nodeId != excluded && cluster.isAlive(nodeId) && controllerSeenBy(cluster, nodeId) == nodeId) {
                    leader.set(nodeId);
                    return true;
                }
            }
            return false;
        });
        return leader.get();
    }
}
