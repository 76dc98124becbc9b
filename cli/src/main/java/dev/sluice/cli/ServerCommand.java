package dev.sluice.cli;

import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.kafka.KafkaProtocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice server}: runs one node in the foreground until SIGINT/SIGTERM, then shuts it down gracefully.
 * Settings come from {@code --config FILE} (Java properties, keys as in docs/configuration.md) with flags layered on
 * top.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a Sluice node (controller and broker roles by default).")
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with further settings.")
    Path configFile;
    @Option(names = "--node-id", description = "Node id (default 1).")
    Integer nodeId;
    @Option(names = "--roles", paramLabel = "ROLES", description = "controller, broker or controller,broker (default).")
    String roles;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where logs and metadata live (default ./data).")
    Path dataDir;
    @Option(names = "--host", description = "Host name advertised to clients and the other nodes, and bound unless "
            + "--bind-host is given (default localhost).")
    String host;
    @Option(names = "--bind-host", paramLabel = "ADDRESS", description = "Address to listen on, when not --host "
            + "(e.g. 0.0.0.0 in a container that advertises its DNS name).")
    String bindHost;
    @Option(names = "--broker-port", description = "Client and replication port (default 7092).")
    Integer brokerPort;
    @Option(names = "--controller-port", description = "Metadata quorum port (default 7093).")
    Integer controllerPort;
    @Option(names = "--http-port", description = "Metrics and health port (default 7094).")
    Integer httpPort;
    @Option(names = "--kafka-port", description = "Kafka wire-protocol port (default 9092; 0: any free port). "
            + "kafka.listener.enabled=false in --config turns the Kafka listener off.")
    Integer kafkaPort;
    @Option(names = "--controller-quorum", paramLabel = "VOTERS", description = "id@host:port,... of the controllers.")
    String controllerQuorum;
    @Option(names = "--rack", description = "Rack of this broker, for rack-aware replica placement.")
    String rack;
    @Option(names = "--cluster-id", paramLabel = "ID",
            description = "Cluster id, the same on every node; required with a multi-node quorum.")
    String clusterId;
    @Option(names = "--adopt-data-dir", description = "Take over a data directory that holds data but lost its "
            + "meta.properties (the file naming the node and cluster that own it): write it again for this node. "
            + "Only for data that is this node's; pass the cluster's --cluster-id too. Without this flag such a "
            + "directory is refused.")
    boolean adoptDataDir;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config().withAdoptDataDir(adoptDataDir);
        Logging.serverMode();
        CountDownLatch stopped = new CountDownLatch(1);
        Node node = Node.start(config, List.of(new KafkaProtocol()));
        Thread hook = new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.println("sluice: node " + config.nodeId() + " started with roles " + config.roles() + ": broker "
                + (node.bootstrapServers() == null ? "none" : node.bootstrapServers())
                + ", controller port " + node.controllerPort() + ", http port " + node.httpPort()
                + ", data in " + config.dataDir().toAbsolutePath().normalize());
        stopped.await();
        return 0;
    }

    /** The node's settings: the config file's, with the flags on top; a mistake names its file and line. */
    NodeConfig config() {
        ConfigFile file = configFile == null ? null : ConfigFile.read(configFile, NodeConfig.DEFAULTS.keySet());
        Properties properties = file == null ? new Properties() : file.properties();
        Properties flags = flags();
        properties.putAll(flags);
        try {
            return NodeConfig.parse(properties);
        } catch (IllegalArgumentException e) {
            String key = file == null ? null : keyNamedIn(e.getMessage(), file, flags);
            if (key == null) {
                throw e;
            }
            throw new IllegalArgumentException("config file " + file.path() + ", line " + file.lineOf(key) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The settings given as flags. */
    Properties flags() {
        Properties properties = new Properties();
        put(properties, NodeConfig.NODE_ID, nodeId);
        put(properties, NodeConfig.ROLES, roles);
        put(properties, NodeConfig.DATA_DIR, dataDir);
        put(properties, NodeConfig.HOST, host);
        put(properties, NodeConfig.BIND_HOST, bindHost);
        put(properties, NodeConfig.BROKER_PORT, brokerPort);
        put(properties, NodeConfig.CONTROLLER_PORT, controllerPort);
        put(properties, NodeConfig.HTTP_PORT, httpPort);
        put(properties, KafkaListenerConfig.PORT, kafkaPort);
        put(properties, NodeConfig.CONTROLLER_QUORUM, controllerQuorum);
        put(properties, NodeConfig.RACK, rack);
        put(properties, NodeConfig.CLUSTER_ID, clusterId);
        return properties;
    }

    /**
     * The key of the file (not overridden by a flag) that an error message is about, or null: NodeConfig names the
     * key it refuses, so the first key named counts, as a whole word only ({@code host} inside {@code id@host:port}
     * does not).
     */
    private static String keyNamedIn(String message, ConfigFile file, Properties flags) {
        String found = null;
        int foundAt = Integer.MAX_VALUE;
        for (String key : NodeConfig.DEFAULTS.keySet()) {
            if (file.lineOf(key) < 0 || flags.containsKey(key)) {
                continue;
            }
            Matcher matcher = Pattern.compile("(?<![\\w.@])" + Pattern.quote(key) + "(?![\\w.])").matcher(message);
            if (matcher.find() && matcher.start() < foundAt) {
                found = key;
                foundAt = matcher.start();
            }
        }
        return found;
    }

    private static void put(Properties properties, String key, Object value) {
        if (value != null) {
            properties.setProperty(key, value.toString());
        }
    }
}
