package dev.sluice.broker.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** Three combined nodes (ids 1 to 3) in this JVM on loopback ports, for tests that need a real quorum. */
final class InProcessCluster implements AutoCloseable {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();
    private final List<Integer> controllerPorts = new ArrayList<>();
    private String controllerQuorum;

    private InProcessCluster() {
    }

    /** Starts the three nodes, each with {@code extraConfig} on top of its own ports and data directory. */
    static InProcessCluster start(Path dataDir, String clusterId, Map<String, String> extraConfig) throws IOException {
        return start(dataDir, clusterId, id -> extraConfig);
    }

    /** Starts the three nodes, node {@code id} with {@code extraConfig.apply(id)} on top of its own settings. */
    static InProcessCluster start(Path dataDir, String clusterId, IntFunction<Map<String, String>> extraConfig)
            throws IOException {
        InProcessCluster cluster = new InProcessCluster();
        int[][] ports = new int[3][3];
        StringBuilder quorum = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ports[i][j] = freePort();
            }
            quorum.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(ports[i][1]);
            cluster.brokerPorts.add(ports[i][0]);
            cluster.controllerPorts.add(ports[i][1]);
        }
        cluster.controllerQuorum = quorum.toString();
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
            properties.setProperty(NodeConfig.CLUSTER_ID, clusterId);
            extraConfig.apply(i + 1).forEach(properties::setProperty);
            NodeConfig config = NodeConfig.parse(properties);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Node.start(config);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        starting.forEach(future -> cluster.nodes.add(future.join()));
        return cluster;
    }

    /** Node {@code id} (1 to 3). */
    Node node(int id) {
        return nodes.get(id - 1);
    }

    /** The broker port of node {@code id}. */
    int brokerPort(int id) {
        return brokerPorts.get(id - 1);
    }

    /** The controller port of node {@code id}. */
    int controllerPort(int id) {
        return controllerPorts.get(id - 1);
    }

    /** The {@code controller.quorum.voters} of the three nodes. */
    String controllerQuorum() {
        return controllerQuorum;
    }

    /** The id of the node that leads the metadata quorum as both it and another node see it, or -1. */
    int raftLeaderId() {
        for (Node node : nodes) {
            int leaderId = node.quorumStatusForTest().leaderId();
            if (leaderId > 0 && node(leaderId).quorumStatusForTest().leaderId() == leaderId) {
                return leaderId;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        nodes.forEach(Node::close);
    }

    private static int freePort() throws IOException {
        return dev.sluice.testing.TestPorts.freePort();
    }
}
