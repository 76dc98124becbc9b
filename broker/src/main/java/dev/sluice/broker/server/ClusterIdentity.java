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
 * {@code meta.properties} in the data directory: the cluster id (created on first start) and the node id that owns
 * the directory. Starting a node on a directory that belongs to another node id is refused, because mixing two nodes'
 * logs would corrupt both.
 */
record ClusterIdentity(String clusterId, int nodeId) {
    private static final String FILE = "meta.properties";

    static ClusterIdentity loadOrCreate(Path dataDir, int nodeId) throws IOException {
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
            return new ClusterIdentity(properties.getProperty("cluster.id"), nodeId);
        }
        ClusterIdentity identity = new ClusterIdentity(UUID.randomUUID().toString(), nodeId);
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
