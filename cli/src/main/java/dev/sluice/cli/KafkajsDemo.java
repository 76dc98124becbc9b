package dev.sluice.cli;

import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.TopicExistsException;
import dev.sluice.examples.kafkajs.KafkajsExample;
import dev.sluice.examples.kafkajs.KafkajsResult;
import dev.sluice.examples.kafkajs.KafkajsSetupException;
import dev.sluice.kafka.KafkaProtocol;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code sluice demo --kafka}: the seed guide's kafkajs producer and two consumer services, unchanged, against a
 * local node's Kafka listener. Makes Node and kafkajs ready first (the example's own install script, before any node
 * starts), starts an in-process node on free loopback ports with its Kafka listener, creates topic
 * {@value KafkajsExample#TOPIC} with 3 partitions, runs {@link KafkajsExample}, and stops every process it started.
 *
 * <p>Runs on the command's thread; the node's own threads stop when it is closed.
 */
final class KafkajsDemo {
    private static final int PARTITIONS = 3;
    private static final Duration NODE_READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Path exampleDir;
    private final PrintStream out;

    KafkajsDemo(Path dataDir, Path exampleDir, PrintStream out) {
        this.dataDir = dataDir;
        this.exampleDir = exampleDir;
        this.out = out;
    }

    /** Returns the exit code: 0 when both services consumed every event the producer sent. */
    int run(Duration timeout) throws Exception {
        if (!Files.isRegularFile(exampleDir.resolve("producer.js"))) {
            throw new IllegalArgumentException("no kafkajs example in " + exampleDir.toAbsolutePath()
                    + " (--example-dir names the examples/kafkajs directory of a Sluice checkout)");
        }
        KafkajsExample example = new KafkajsExample(exampleDir, out);
        try {
            example.prepare();
        } catch (KafkajsSetupException e) {
            throw new IllegalStateException("cannot run the kafkajs example: " + e.getMessage(), e);
        }
        out.println("demo --kafka: starting a local Sluice node with its Kafka listener, data in "
                + dataDir.toAbsolutePath());
        KafkajsResult result;
        NodeConfig config = NodeConfig.parse(nodeProperties());
        try (Node node = Node.start(config, List.of(new KafkaProtocol()))) {
            if (!node.awaitReady(NODE_READY_TIMEOUT)) {
                throw new IllegalStateException("the local node did not become ready within "
                        + NODE_READY_TIMEOUT.toSeconds() + " s");
            }
            int kafkaPort = node.metadataImage().cluster().broker(config.nodeId()).kafkaPort();
            String kafkaBrokers = config.host() + ":" + kafkaPort;
            out.println("demo --kafka: node ready in this process (pid " + ProcessHandle.current().pid()
                    + "); Kafka listener at " + kafkaBrokers);
            createTopic(node.bootstrapServers());
            result = example.run(kafkaBrokers, timeout);
            result.stops().forEach(line -> out.println("demo --kafka: " + line));
        }
        out.println("demo --kafka: local node stopped");
        result.problems().forEach(problem -> out.println("demo --kafka: FAILED: " + problem));
        out.println(result.summaryLine());
        return result.succeeded() ? 0 : 1;
    }

    private void createTopic(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(KafkajsExample.TOPIC, PARTITIONS, (short) 1, Map.of())));
            out.println("demo --kafka: created topic " + KafkajsExample.TOPIC + " with " + PARTITIONS
                    + " partitions");
        } catch (TopicExistsException e) {
            out.println("demo --kafka: topic " + KafkajsExample.TOPIC + " exists (data directory reused)");
        }
    }

    /** Free ports for every listener, so the demo runs beside a server that holds the default ports. */
    private Properties nodeProperties() {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dataDir.resolve("node").toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty(NodeConfig.OFFSETS_TOPIC_REPLICATION_FACTOR, "1");
        properties.setProperty(KafkaListenerConfig.PORT, "0");
        return properties;
    }
}
