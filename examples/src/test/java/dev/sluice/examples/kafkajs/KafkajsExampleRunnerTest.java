package dev.sluice.examples.kafkajs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KafkajsExample}'s judging and stopping, with real {@code node} processes running stand-in scripts that print
 * what the guide's services print (no broker). KafkajsExampleTest in kafka-protocol runs the real example.
 */
class KafkajsExampleRunnerTest {
    private static final String PRODUCER = """
            for (const id of ["1", "2", "3"]) console.log(`Message sent: ${JSON.stringify({ id, name: "n" })}`);
            """;
    /**
     * A consumer service runs until stopped, like the guide's. Its duplicate comes before the last new id, so the
     * runner has read all 4 lines when it sees every id (it may stop the service right then).
     */
    private static final String CONSUMER_OF_ALL = """
            console.log('{"level":"INFO","logger":"kafkajs","message":"joined","memberId":"m","id":"x"}');
            for (const id of ["3", "1", "1", "2"]) console.log(`received: ${JSON.stringify({ id })}`);
            setInterval(() => {}, 1000);
            """;

    @TempDir
    Path dir;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @BeforeEach
    void needsNode() throws Exception {
        Assumptions.assumeTrue(nodeRuns(), "skipped: no node on the PATH");
        // Present node_modules, so the runner does not call install-node.sh.
        Files.createDirectories(dir.resolve("node_modules").resolve("kafkajs"));
    }

    @Test
    void everyEventConsumedByBothServicesSucceedsAndStopsTheServices() throws Exception {
        write(PRODUCER, CONSUMER_OF_ALL, CONSUMER_OF_ALL);
        KafkajsResult result = new KafkajsExample(dir, out).run("127.0.0.1:1", Duration.ofSeconds(60));

        assertThat(result.problems()).isEmpty();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.sentIds()).isEqualTo(Set.of("1", "2", "3"));
        assertThat(result.email().eventIds()).isEqualTo(Set.of("1", "2", "3"));
        assertThat(result.email().eventLines()).isEqualTo(4);
        assertThat(result.summaryLine()).isEqualTo("demo --kafka: produced=3 email-service=3 db-service=3");
        assertThat(result.stops()).hasSize(3).anyMatch(line -> line.startsWith("email-service (pid "))
                .anyMatch(line -> line.contains("stopped"));
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("[producer] Message sent: {\"id\":\"1\"");
    }

    @Test
    void aServiceThatMissesAnEventFailsAtTheDeadline() throws Exception {
        String missesTwo = """
                for (const id of ["1", "3"]) console.log(`received: ${JSON.stringify({ id })}`);
                setInterval(() => {}, 1000);
                """;
        write(PRODUCER, CONSUMER_OF_ALL, missesTwo);
        KafkajsResult result = new KafkajsExample(dir, out).run("127.0.0.1:1", Duration.ofSeconds(3));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.problems()).contains("db-service did not consume 1 event(s): [2]",
                "gave up at the deadline");
        assertThat(result.summaryLine()).isEqualTo("demo --kafka: produced=3 email-service=3 db-service=2");
    }

    /** The guide's producer catches its error with console.error and exits 0. */
    @Test
    void aProducerErrorFailsTheRunEvenThoughItExitsZero() throws Exception {
        String failing = """
                console.log(`Message sent: ${JSON.stringify({ id: "1" })}`);
                console.error("KafkaJSNumberOfRetriesExceeded: Connection error");
                """;
        write(failing, CONSUMER_OF_ALL, CONSUMER_OF_ALL);
        KafkajsResult result = new KafkajsExample(dir, out).run("127.0.0.1:1", Duration.ofSeconds(60));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.problems()).contains("producer error: KafkaJSNumberOfRetriesExceeded: Connection error");
    }

    /** The guide's producer prints the error it gave up on and stays alive, its client still connected. */
    @Test
    void aProducerErrorEndsTheRunAtOnceEvenIfTheProducerStaysAlive() throws Exception {
        String failingAndHanging = """
                console.error("KafkaJSNonRetriableError");
                setInterval(() => {}, 1000);
                """;
        write(failingAndHanging, CONSUMER_OF_ALL, CONSUMER_OF_ALL);
        KafkajsResult result = new KafkajsExample(dir, out).run("127.0.0.1:1", Duration.ofSeconds(600));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.problems()).contains("the producer had not finished at the deadline",
                "producer error: KafkaJSNonRetriableError", "the producer printed no sent event")
                .doesNotContain("gave up at the deadline");
        assertThat(result.stops()).anyMatch(line -> line.startsWith("producer (pid ") && line.endsWith("stopped"));
    }

    private void write(String producer, String email, String db) throws IOException {
        Files.writeString(dir.resolve("producer.js"), producer);
        Files.writeString(dir.resolve("emailConsumer.js"), email);
        Files.writeString(dir.resolve("dbConsumer.js"), db);
    }

    private static boolean nodeRuns() {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
