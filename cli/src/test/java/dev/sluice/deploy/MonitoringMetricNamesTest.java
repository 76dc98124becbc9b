package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicExistsException;
import dev.sluice.testing.TestPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric name the Grafana dashboards and the alert rules read is one that running nodes expose: three real
 * combined nodes in this JVM get a replicated topic, produced records, a consumer group that commits, and a refused
 * request, and the union of their {@code /metrics} scrapes must hold every name (polled until the meters that
 * follow events have appeared, bounded).
 */
class MonitoringMetricNamesTest {
    private static final String TOPIC = "metered";
    private static final Duration SCRAPE_PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;
    static final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    static void startClusterAndMakeTraffic() throws Exception {
        startThreeNodes();
        String bootstrap = nodes.get(0).bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3, Map.of())));
            try {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3, Map.of())));
            } catch (TopicExistsException expected) {
                // a response carrying an error code, which the error-rate panels count
            }
        }
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "readers", "auto.offset.reset", "earliest", "enable.auto.commit", false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < 100 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isGreaterThanOrEqualTo(100);
            consumer.commitSync();
        }
    }

    @AfterAll
    static void stop() {
        // In parallel: each broker's controlled shutdown waits for the others to take its leaderships.
        nodes.stream().map(node -> CompletableFuture.runAsync(node::close)).toList().forEach(CompletableFuture::join);
    }

    @Test
    void everyMetricTheDashboardsAndRulesReadIsExposedByTheNodes() throws Exception {
        Set<String> used = new TreeSet<>(MonitoringFiles.metricNamesUsed());
        used.removeAll(MonitoringFiles.SYNTHETIC_METRICS);
        assertThat(used).hasSizeGreaterThan(40);
        Set<String> missing = new TreeSet<>(used);
        long deadline = System.nanoTime() + SCRAPE_PATIENCE.toNanos();
        while (true) {
            missing.removeAll(exposedNames());
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        assertThat(missing).as("metric names the dashboards or rules read that no node exposes").isEmpty();
    }

    /** The sample names of every node's scrape (histogram _bucket/_count/_sum, counter _total, ...). */
    private static Set<String> exposedNames() throws Exception {
        Set<String> names = new TreeSet<>();
        HttpClient http = HttpClient.newHttpClient();
        for (Node node : nodes) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            body.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        }
        return names;
    }

    private static void startThreeNodes() throws IOException {
        int[][] ports = new int[3][3];
        StringBuilder quorum = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ports[i][j] = TestPorts.freePort();
            }
            quorum.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(ports[i][1]);
        }
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
            properties.setProperty(NodeConfig.CLUSTER_ID, "monitoring-names");
            NodeConfig config = NodeConfig.parse(properties);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Node.start(config);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        starting.forEach(future -> nodes.add(future.join()));
        for (Node node : nodes) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).as("node ready").isTrue();
        }
    }
}
