package dev.sluice.integration;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** Starts a real single combined node on loopback with ephemeral ports, for tests. */
final class TestNode {
    private TestNode() {
    }

    static Node start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    static Node start(Path dataDir, Map<String, String> overrides) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dataDir.toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        overrides.forEach(properties::setProperty);
        Node node = Node.start(NodeConfig.parse(properties));
        if (!node.awaitReady(Duration.ofSeconds(30))) {
            node.close();
            throw new IllegalStateException("node not ready within 30 s");
        }
        return node;
    }
}
