package dev.sluice.kafka;

import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.metadata.BrokerRegistration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A real single combined Sluice node on loopback, ephemeral ports, serving the Kafka protocol, for tests. */
final class KafkaTestNode implements AutoCloseable {
    private final Node node;
    private final int kafkaPort;

    private KafkaTestNode(Node node, int kafkaPort) {
        this.node = node;
        this.kafkaPort = kafkaPort;
    }

    private static KafkaTestNode shared;

    /**
     * One node for every test class of the run (a node takes seconds to start on a busy machine), in a temporary
     * directory, stopped when the JVM exits. Tests use their own topics.
     */
    static synchronized KafkaTestNode shared() throws Exception {
        if (shared == null) {
            Path dataDir = java.nio.file.Files.createTempDirectory("sluice-kafka-test");
            shared = start(dataDir, Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.close();
                deleteQuietly(dataDir);
            }, "kafka-test-node-stop"));
        }
        return shared;
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    static KafkaTestNode start(Path dataDir, Map<String, String> overrides) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dataDir.toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty(NodeConfig.OFFSETS_TOPIC_REPLICATION_FACTOR, "1");
        properties.setProperty(KafkaListenerConfig.PORT, "0");
        overrides.forEach(properties::setProperty);
        Node node = Node.start(NodeConfig.parse(properties), List.of(new KafkaProtocol()));
        if (!node.awaitReady(Duration.ofSeconds(30))) {
            node.close();
            throw new IllegalStateException("node not ready within 30 s");
        }
        BrokerRegistration self = node.metadataImage().cluster().broker(1);
        return new KafkaTestNode(node, self.kafkaPort());
    }

    /** {@code host:port} of the Kafka listener, as registered (and so as Metadata advertises it). */
    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    int kafkaPort() {
        return kafkaPort;
    }

    /** The partition's current leader epoch, from the node's metadata image. */
    int leaderEpoch(String topic, int partition) {
        return node.metadataImage().topics().topic(topic).partition(partition).leaderEpoch();
    }

    /** {@code host:port} of the gRPC broker API. */
    String grpcBootstrap() {
        return node.bootstrapServers();
    }

    @Override
    public void close() {
        node.close();
    }
}
