package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once across consumer process churn: {@code sluice consume --group G} processes (which print, flush,
 * then commit) share a 6-partition topic; one leaves with SIGTERM, one joins, one is killed -9 while records flow.
 * Every produced record must appear in the union of their outputs (duplicates are allowed: the killed process may
 * have printed records it had not committed yet).
 */
class ConsumerProcessesIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final String TOPIC = "jobs";
    private static final int BATCH = 1000;

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    private final List<Path> outputs = new ArrayList<>();

    private Process startConsumer(String brokers, String name) throws IOException {
        Path out = dataDir.resolve(name + ".out");
        outputs.add(out);
        return SluiceProcess.builder(List.of("consume", TOPIC, "--brokers", brokers, "--group", "workers",
                        "--from-beginning", "--consumer-property", "session.timeout.ms=6000",
                        "--consumer-property", "heartbeat.interval.ms=500"))
                .redirectOutput(out.toFile())
                .redirectError(dataDir.resolve(name + ".err").toFile())
                .start();
    }

    /** Every complete line of every output: text after the last newline may still be partly written. */
    private List<Integer> printed() throws IOException {
        List<Integer> values = new ArrayList<>();
        for (Path output : outputs) {
            String text = Files.readString(output);
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length - 1; i++) {
                values.add(Integer.parseInt(lines[i]));
            }
        }
        return values;
    }

    private Set<Integer> seen() throws IOException {
        return new HashSet<>(printed());
    }

    private static void produce(Producer<String, String> producer, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(TOPIC, "k" + i, Integer.toString(i)));
        }
        producer.flush();
    }

    private void awaitSeen(int count) {
        await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(() -> seen().size() >= count);
    }

    @Test
    void everyRecordIsProcessedAtLeastOnceThroughLeaveJoinAndKill() throws Exception {
        List<Process> consumers = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dataDir);
             Admin admin = QuorumCluster.admin(server.brokers());
             Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", server.brokers(),
                     "acks", "all", "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1, Map.of())));
            Process leaving = startConsumer(server.brokers(), "c1");
            Process killed = startConsumer(server.brokers(), "c2");
            consumers.addAll(List.of(leaving, killed, startConsumer(server.brokers(), "c3")));
            produce(producer, 0, BATCH);
            awaitSeen(BATCH);

            leaving.destroy(); // SIGTERM: leaves the group, committing what it printed
            assertThat(leaving.waitFor(30, TimeUnit.SECONDS)).as("c1 exits on SIGTERM").isTrue();
            produce(producer, BATCH, 2 * BATCH);
            consumers.add(startConsumer(server.brokers(), "c4"));
            produce(producer, 2 * BATCH, 3 * BATCH);
            awaitSeen(3 * BATCH);

            produce(producer, 3 * BATCH, 4 * BATCH);
            killed.destroyForcibly(); // SIGKILL, probably between printing and committing some records
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            produce(producer, 4 * BATCH, 5 * BATCH);
            awaitSeen(5 * BATCH);

            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < 5 * BATCH; i++) {
                expected.add(i);
            }
            assertThat(seen()).as("every produced record was processed at least once").isEqualTo(expected);
            int printed = printed().size();
            System.out.printf("ConsumerProcessesIT: produced=%d printed=%d (duplicates %d)%n", 5 * BATCH, printed,
                    printed - 5 * BATCH);
        } finally {
            for (Process consumer : consumers) {
                consumer.destroyForcibly();
            }
        }
    }
}
