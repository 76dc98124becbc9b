package dev.sluice.broker.server;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code meta.properties} in the data directory: the cluster id and the node id that owns the directory. Starting a
 * node on a directory that belongs to another node id or another cluster is refused, because mixing two nodes' logs
 * would corrupt both.
 *
 * <p>The cluster id comes from {@code cluster.id} (required by {@link NodeConfig} for any multi-node quorum, so all
 * nodes agree by construction, as with Kafka's formatted storage); a single-node cluster without one gets a random
 * id on first start.
 */
record ClusterIdentity(String clusterId, int nodeId) {
    private static final String FILE = "meta.properties";

    static ClusterIdentity loadOrCreate(Path dataDir, int nodeId, String configuredClusterId) throws IOException {
        boolean configured = configuredClusterId != null && !configuredClusterId.isEmpty();
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            int storedNodeId = Integer.parseInt(properties.getProperty("node.id", "-1"));
            if (storedNodeId != nodeId) {
                throw new IllegalArgumentException("data directory " + dataDir + " belongs to node " + storedNodeId
                        + ", not node " + nodeId + "; use another --data-dir or --node-id " + storedNodeId);
            }
            String storedClusterId = properties.getProperty("cluster.id");
            if (configured && !configuredClusterId.equals(storedClusterId)) {
                throw new IllegalArgumentException("data directory " + dataDir + " belongs to cluster "
                        + storedClusterId + ", not " + configuredClusterId + "; use another --data-dir or --cluster-id "
                        + storedClusterId);
            }
            return new ClusterIdentity(storedClusterId, nodeId);
        }
        ClusterIdentity identity = new ClusterIdentity(configured ? configuredClusterId
                : UUID.randomUUID().toString(), nodeId);
        Properties properties = new Properties();
        properties.setProperty("cluster.id", identity.clusterId());
        properties.setProperty("node.id", Integer.toString(nodeId));
        Path temporary = dataDir.resolve(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary)) {
            properties.store(writer, "Sluice node identity; do not edit");
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return identity;
    }
}
