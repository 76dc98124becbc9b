package dev.sluice.cli;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.examples.SeedScenario;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: the seed guide's example on a real local node. Starts a node (data in a temporary directory
 * unless {@code --data-dir}), runs {@link SeedScenario}, stops the node, and prints the counts as its last line.
 * Exits 0 only when the producer's acknowledged count, both services' counts and the database rows all equal N.
 * With {@code --kafka} it runs the guide's kafkajs code instead, against the node's Kafka listener
 * ({@link KafkajsDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the seed example: a producer and two consumer services on a local node.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "1000", description = "Events to produce (default ${DEFAULT-VALUE}).")
    int messages;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Node data directory (default: a temporary one).")
    Path dataDir;
    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "Database for db-service (default: SQLite file demo.db in the data directory).")
    String jdbcUrl;
    @Option(names = "--quiet", description = "Do not print one email-service line per event.")
    boolean quiet;
    @Option(names = "--timeout-s", defaultValue = "300", description = "Give up after this many seconds.")
    int timeoutSeconds;
    @Option(names = "--kafka", description = "Run the guide's kafkajs producer and two consumers (examples/kafkajs, "
            + "unchanged) against the node's Kafka listener; installs Node.js and kafkajs with the example's "
            + "install-node.sh if needed.")
    boolean kafka;
    @Option(names = "--secure", description = "Run the scenario with security on: certificates made on the spot, "
            + "mutual TLS, authorization with only the ACLs each service needs (docs/security.md).")
    private boolean secure;

    @Option(names = "--example-dir", paramLabel = "DIR",
            description = "The kafkajs example for --kafka (default: examples/kafkajs of this checkout).")
    Path exampleDir;

    @Spec
    CommandSpec spec;

    /** Set by bin/sluice to the checkout's root, where examples/kafkajs lives. */
    static final String HOME_PROPERTY = "sluice.home";

    @Override
    public Integer call() throws Exception {
        if (messages < 1) {
            throw new IllegalArgumentException("--messages must be at least 1");
        }
        refuseOptionsOfTheOtherMode();
        Logging.clientMode();
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("sluice-demo-");
        Files.createDirectories(dir);
        if (kafka) {
            return new KafkajsDemo(dir, exampleDir != null ? exampleDir : defaultExampleDir(), System.out)
                    .run(Duration.ofSeconds(timeoutSeconds));
        }
        String database = jdbcUrl != null ? jdbcUrl : "jdbc:sqlite:" + dir.resolve("demo.db").toAbsolutePath();
        PrintStream out = System.out;
        if (secure) {
            out.println("demo: starting a local Sluice node with security on, data in " + dir.toAbsolutePath());
            return new SecureDemo(dir, out).run(demoNodeProperties(dir), messages, database, !quiet,
                    Duration.ofSeconds(timeoutSeconds));
        }
        out.println("demo: starting a local Sluice node, data in " + dir.toAbsolutePath());
        SeedScenario.Result result;
        try (Node node = Node.start(NodeConfig.parse(demoNodeProperties(dir)))) {
            if (!node.awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the local node did not become ready within 60 s");
            }
            out.println("demo: node ready at " + node.bootstrapServers());
            result = new SeedScenario(node.bootstrapServers(), database, out, !quiet)
                    .run(messages, Duration.ofSeconds(timeoutSeconds));
        }
        out.println(result.summaryLine());
        return result.allEqual(messages) ? 0 : 1;
    }

    /** --kafka runs the guide's code unchanged, so the Java demo's knobs would silently do nothing there. */
    private void refuseOptionsOfTheOtherMode() {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : new String[] {"--messages", "--jdbc-url", "--quiet"}) {
            if (kafka && parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply to --kafka (the guide's kafkajs "
                        + "producer sends its own events)");
            }
        }
        if (kafka && secure) {
            throw new IllegalArgumentException("--secure and --kafka do not go together yet: the secured demo runs "
                    + "the Java services only");
        }
        if (!kafka && exampleDir != null) {
            throw new IllegalArgumentException("--example-dir applies only to --kafka");
        }
    }

    private static Path defaultExampleDir() {
        String home = System.getProperty(HOME_PROPERTY);
        return Path.of(home != null ? home : ".").resolve("examples").resolve("kafkajs");
    }

    /** Ephemeral ports, so the demo runs beside a server that already holds the default ports. */
    private static Properties demoNodeProperties(Path dir) {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dir.resolve("node").toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        return properties;
    }
}
