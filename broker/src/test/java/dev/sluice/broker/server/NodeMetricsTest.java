package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators scrape, on three combined nodes in this JVM under a small workload: a replicated topic with records
 * produced to each partition, and a consumer group that read them all but committed less. Every metric family the
 * dashboards and alert rules use must be served by some node, each with a HELP text and only bounded labels; and the
 * consumer lag the group's coordinator reports must be exact.
 *
 * <p>With {@code -Dsluice.metrics.scrapeDir=DIR} the scrapes are also written to {@code DIR/node-N.prom} (the source
 * of docs/metrics.md).
 */
@Tag("integration")
class NodeMetricsTest {
    private static final String TOPIC = "metered";
    private static final String GROUP = "lagging";
    /** Records produced to partition p: {@code PRODUCED[p]}; offsets committed: {@code COMMITTED[p]}. */
    private static final int[] PRODUCED = {40, 25, 60};
    private static final int[] COMMITTED = {40, 10, 17};
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Every label a sluice_ series may carry: none names a member, a client or anything else without bound. */
    private static final Set<String> BOUNDED_LABELS = Set.of("node", "topic", "partition", "group", "state", "role",
            "voter", "method", "status", "code", "listener", "name", "stage", "le");
    private static final Pattern HELP = Pattern.compile("(?m)^# HELP (\\S+) (.*)$");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(sluice_\\w+)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    static Path dataDir;
    private static InProcessCluster cluster;

    /** One scraped series. */
    private record Sample(String family, Map<String, String> labels, double value) {
    }

    @BeforeAll
    static void startClusterAndRunTheWorkload() throws Exception {
        cluster = InProcessCluster.start(dataDir, "metrics-test",
                Map.of(NodeConfig.OFFSETS_TOPIC_PARTITIONS, "3"));
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).awaitReady(WAIT)).isTrue();
        }
        String bootstrap = cluster.node(1).bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "default.api.timeout.ms", 60_000))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PRODUCED.length, 3)));
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> admin.describeTopics(List.of(TOPIC))
                    .get(TOPIC).partitions().stream().allMatch(p -> p.isr().size() == 3));
            try {
                admin.describeTopics(List.of("missing"));
            } catch (RuntimeException e) {
                // Expected: an answer with an error code, so that sluice_rpc_errors_total has a series.
            }
        }
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < PRODUCED.length; partition++) {
                for (int i = 0; i < PRODUCED[partition]; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
        consumeAllAndCommitLess(bootstrap);
    }

    /** The group reads every record (so it really is a group with a member) but commits only {@link #COMMITTED}. */
    private static void consumeAllAndCommitLess(String bootstrap) {
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", GROUP, "auto.offset.reset", "earliest", "enable.auto.commit", false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            int total = 0;
            int expected = 0;
            for (int produced : PRODUCED) {
                expected += produced;
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (total < expected && System.nanoTime() < deadline) {
                total += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(total).isEqualTo(expected);
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (int partition = 0; partition < COMMITTED.length; partition++) {
                commits.put(new TopicPartition(TOPIC, partition), new OffsetAndMetadata(COMMITTED[partition]));
            }
            consumer.commitSync(commits);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyFamilyIsServedWithHelpTextAndBoundedLabels() throws Exception {
        Map<String, String> help = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            String scrape = scrape(cluster.node(id));
            dumpIfAsked(id, scrape);
            Matcher helpLine = HELP.matcher(scrape);
            while (helpLine.find()) {
                help.put(helpLine.group(1), helpLine.group(2).trim());
            }
            samples.addAll(samples(scrape));
        }
        Set<String> families = new TreeSet<>();
        samples.forEach(sample -> families.add(familyOf(sample.family(), help)));

        assertThat(families).containsAll(ExpectedFamilies.ALL);
        for (String family : families) {
            assertThat(help.get(family)).as("HELP of " + family).isNotBlank();
        }
        for (Sample sample : samples) {
            assertThat(BOUNDED_LABELS).as(sample.family() + " " + sample.labels())
                    .containsAll(sample.labels().keySet());
        }
        assertThat(families).as("the summary the histogram replaced").doesNotContain("sluice_rpc_requests_seconds");
    }

    @Test
    void theCoordinatorReportsEachPartitionsLagAsProducedMinusCommitted() {
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            Map<Integer, Double> lag = new HashMap<>();
            Map<Integer, Double> committed = new HashMap<>();
            for (int id = 1; id <= 3; id++) {
                for (Sample sample : samples(scrape(cluster.node(id)))) {
                    if (!GROUP.equals(sample.labels().get("group")) || !TOPIC.equals(sample.labels().get("topic"))) {
                        continue;
                    }
                    int partition = Integer.parseInt(sample.labels().get("partition"));
                    if (sample.family().equals("sluice_group_lag_records")) {
                        assertThat(lag.put(partition, sample.value())).as("one coordinator reports it").isNull();
                    } else if (sample.family().equals("sluice_group_committed_offset")) {
                        committed.put(partition, sample.value());
                    }
                }
            }
            for (int partition = 0; partition < PRODUCED.length; partition++) {
                assertThat(lag.get(partition)).as("lag of partition " + partition)
                        .isEqualTo((double) (PRODUCED[partition] - COMMITTED[partition]));
                assertThat(committed.get(partition)).isEqualTo((double) COMMITTED[partition]);
            }
        });
    }

    /**
     * The family a sample belongs to: the longest HELP name that is a prefix of it, so that a histogram's
     * {@code _bucket}, {@code _count} and {@code _sum} series and a counter's {@code _total} count as their family.
     */
    private static String familyOf(String series, Map<String, String> help) {
        String best = series;
        for (String family : help.keySet()) {
            if (series.startsWith(family) && (best.equals(series) || family.length() > best.length())
                    && (series.equals(family) || series.charAt(family.length()) == '_')) {
                best = family;
            }
        }
        return best;
    }

    private static List<Sample> samples(String scrape) {
        List<Sample> samples = new ArrayList<>();
        Matcher line = SAMPLE.matcher(scrape);
        while (line.find()) {
            Map<String, String> labels = new HashMap<>();
            if (line.group(2) != null) {
                Matcher label = LABEL.matcher(line.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(line.group(1), labels, Double.parseDouble(line.group(3))));
        }
        return samples;
    }

    private static String scrape(Node node) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void dumpIfAsked(int nodeId, String scrape) throws IOException {
        String dir = System.getProperty("sluice.metrics.scrapeDir");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, "node-" + nodeId + ".prom"), scrape);
        }
    }
}
