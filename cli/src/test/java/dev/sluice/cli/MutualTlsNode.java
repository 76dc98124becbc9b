package dev.sluice.cli;

import dev.sluice.broker.server.NodeConfig;
import dev.sluice.broker.server.NodeTls;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** The settings of a one-node test cluster on ephemeral ports with mTLS required on both gRPC ports. */
final class MutualTlsNode {
    private MutualTlsNode() {
    }

    static Properties properties(Path dataDir, Path cert, Path key, Path ca) {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dataDir.toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty(NodeConfig.OFFSETS_TOPIC_PARTITIONS, "1");
        for (String listener : List.of(NodeTls.CLIENT, NodeTls.CONTROLLER)) {
            properties.setProperty(NodeTls.key(listener, "cert"), cert.toString());
            properties.setProperty(NodeTls.key(listener, "key"), key.toString());
            properties.setProperty(NodeTls.key(listener, "ca"), ca.toString());
            properties.setProperty(NodeTls.key(listener, "client.auth"), "required");
        }
        return properties;
    }
}
