package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.cli.Main;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Consumer lag as an operator sees it two ways, on a real node: the coordinator's {@code sluice_group_lag_records}
 * and the LAG column of {@code sluice group describe} agree with each other and with produced minus committed.
 */
class GroupLagTest {
    private static final String TOPIC = "lagged";
    private static final String GROUP = "slow-readers";
    private static final int[] PRODUCED = {30, 12};
    private static final int[] COMMITTED = {5, 12};

    @TempDir
    Path dataDir;

    @Test
    void theLagMetricAndGroupDescribeShowProducedMinusCommitted() throws Exception {
        try (Node node = TestNode.start(dataDir)) {
            String bootstrap = node.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PRODUCED.length, 1)));
            }
            try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                for (int partition = 0; partition < PRODUCED.length; partition++) {
                    for (int i = 0; i < PRODUCED[partition]; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, partition, null, "v" + i));
                    }
                }
                producer.flush();
            }
            commitLessThanProduced(bootstrap);

            Map<Integer, Long> described = describedLag(bootstrap);
            Map<Integer, Long> metric = metricLag(node);
            for (int partition = 0; partition < PRODUCED.length; partition++) {
                long expected = PRODUCED[partition] - COMMITTED[partition];
                assertThat(described.get(partition)).as("LAG of partition " + partition).isEqualTo(expected);
                assertThat(metric.get(partition)).as("lag metric of partition " + partition).isEqualTo(expected);
            }
        }
    }

    private static void commitLessThanProduced(String bootstrap) {
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", GROUP, "auto.offset.reset", "earliest", "enable.auto.commit", false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            int total = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (total < PRODUCED[0] + PRODUCED[1] && System.nanoTime() < deadline) {
                total += consumer.poll(Duration.ofMillis(200)).count();
            }
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (int partition = 0; partition < COMMITTED.length; partition++) {
                commits.put(new TopicPartition(TOPIC, partition), new OffsetAndMetadata(COMMITTED[partition]));
            }
            consumer.commitSync(commits);
        }
    }

    /** The LAG column of {@code sluice group describe}, per partition of the topic. */
    private static Map<Integer, Long> describedLag(String bootstrap) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute("group", "describe", GROUP, "--brokers", bootstrap)).isZero();
        Map<Integer, Long> lags = new HashMap<>();
        List<String> lines = out.toString().lines().toList();
        List<String> header = null;
        for (String line : lines) {
            List<String> cells = List.of(line.trim().split("\\s+"));
            if (cells.contains("LAG")) {
                header = cells;
            } else if (header != null && cells.size() == header.size() && cells.get(0).equals(TOPIC)) {
                lags.put(Integer.parseInt(cells.get(header.indexOf("PARTITION"))),
                        Long.parseLong(cells.get(header.indexOf("LAG"))));
            }
        }
        return lags;
    }

    /** {@code sluice_group_lag_records} of the group, per partition of the topic, from the node's scrape. */
    private static Map<Integer, Long> metricLag(Node node) throws Exception {
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher lag = Pattern.compile("(?m)^sluice_group_lag_records\\{group=\"" + GROUP
                + "\",node=\"\\d+\",partition=\"(\\d+)\",topic=\"" + TOPIC + "\"} (\\S+)$").matcher(scrape);
        Map<Integer, Long> lags = new HashMap<>();
        while (lag.find()) {
            lags.put(Integer.parseInt(lag.group(1)), (long) Double.parseDouble(lag.group(2)));
        }
        return lags;
    }
}
