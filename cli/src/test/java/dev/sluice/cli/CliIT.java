package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI through the real {@code bin/sluice}, against a real {@code sluice server} process: good input does what
 * the README says, and every user mistake is one {@code error:} line on stderr with a non-zero exit.
 */
class CliIT {
    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static String brokers;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(dataDir);
        brokers = server.brokers();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static SluiceProcess.Result sluice(String stdin, String... args) throws Exception {
        return SluiceProcess.runAgainst(brokers, stdin, args);
    }

    private static void assertUserError(SluiceProcess.Result result, String expectedFragment) {
        assertThat(result.exitCode()).as("exit code; stderr: %s", result.stderr()).isNotZero();
        assertThat(result.stderr().strip().lines().count()).as("one line on stderr: %s", result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).startsWith("error: ").contains(expectedFragment)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void hundredThousandLinesProducedAreAllConsumedInOrder() throws Exception {
        assertThat(sluice(null, "topic", "create", "lines").exitCode()).isZero();
        String input = IntStream.rangeClosed(1, 100_000).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n"));
        SluiceProcess.Result produced = sluice(input, "produce", "lines");
        assertThat(produced.exitCode()).as(produced.stderr()).isZero();
        SluiceProcess.Result consumed =
                sluice(null, "consume", "lines", "--from-beginning", "--max-messages", "100000");
        assertThat(consumed.exitCode()).as(consumed.stderr()).isZero();
        assertThat(consumed.stdoutLines()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 100_000).mapToObj(Integer::toString).toList());
    }

    @Test
    void topicLifecycleAndClusterInfo() throws Exception {
        assertThat(sluice(null, "topic", "create", "orders", "--partitions", "3", "--config", "retention.ms=60000")
                .exitCode()).isZero();
        assertThat(sluice(null, "topic", "list").stdout()).contains("orders");
        SluiceProcess.Result described = sluice(null, "topic", "describe", "orders");
        assertThat(described.exitCode()).isZero();
        assertThat(described.stdout()).contains("orders").contains("retention.ms=60000");
        assertThat(sluice(null, "topic", "alter", "orders", "--config", "retention.bytes=1000000").exitCode()).isZero();
        assertThat(sluice(null, "topic", "describe", "orders").stdout()).contains("retention.bytes=1000000");
        assertThat(sluice(null, "cluster", "info").stdout()).contains("127.0.0.1");
        assertThat(sluice(null, "topic", "delete", "orders").exitCode()).isZero();
        assertThat(sluice(null, "topic", "list").stdout()).doesNotContain("orders");
    }

    @Test
    void keysAndGroupsWorkFromTheCommandLine() throws Exception {
        assertThat(sluice(null, "topic", "create", "keyed", "--partitions", "2").exitCode()).isZero();
        String input = IntStream.range(0, 20).mapToObj(i -> "k" + (i % 4) + ":value-" + i)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(sluice(input, "produce", "keyed", "--key-separator", ":", "--acks", "all").exitCode()).isZero();
        SluiceProcess.Result first = sluice(null, "consume", "keyed", "--group", "g1", "--from-beginning",
                "--max-messages", "12");
        SluiceProcess.Result rest = sluice(null, "consume", "keyed", "--group", "g1", "--max-messages", "8");
        assertThat(first.stdoutLines()).hasSize(12);
        assertThat(rest.stdoutLines()).hasSize(8);
        assertThat(first.stdoutLines()).doesNotContainAnyElementsOf(rest.stdoutLines());
    }

    @Test
    void userMistakesGiveOneLineAndANonZeroExit() throws Exception {
        assertUserError(sluice(null, "topic", "create", "bad name!"), "bad name!");
        assertUserError(sluice(null, "topic", "describe", "no-such-topic"), "no-such-topic");
        assertUserError(sluice(null, "consume", "no-such-topic", "--max-messages", "1"), "no-such-topic");
        assertUserError(sluice("x\n", "produce", "no-such-topic"), "no-such-topic");
        assertThat(sluice(null, "topic", "create", "dup-check").exitCode()).isZero();
        assertUserError(sluice(null, "topic", "create", "dup-check"), "dup-check");
        assertUserError(sluice(null, "topic", "create", "--partitions", "x", "name"), "");
        assertUserError(sluice(null, "topic", "frobnicate"), "");
        assertUserError(SluiceProcess.run(null, 60, "topic", "list", "--brokers", "127.0.0.1:1"), "127.0.0.1:1");
    }

    @Test
    void theDemoEndsWithMatchingCounts() throws Exception {
        SluiceProcess.Result demo = SluiceProcess.run(null, 300, "demo", "--messages", "300", "--quiet");
        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        List<String> lines = demo.stdoutLines();
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("demo: produced=300 email-service=300 db-service=300 db-rows=300");
    }

    /**
     * {@code demo --secure}: mutual TLS and ACLs; both intruders (no certificate, a certificate without ACLs) are
     * refused, and the services with their ACLs still see every event.
     */
    @Test
    void theSecureDemoRefusesIntrudersAndEndsWithMatchingCounts() throws Exception {
        SluiceProcess.Result demo = SluiceProcess.run(null, 300, "demo", "--secure", "--messages", "200", "--quiet");
        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        List<String> lines = demo.stdoutLines();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("demo: produced=200 email-service=200 db-service=200 "
                + "db-rows=200 refused-without-certificate=true refused-without-acls=true");
        assertThat(demo.stdout()).contains("User:CN=family-producer WRITE on topic 'family'",
                "User:CN=email-service READ on group 'email-service'", "its write was refused");
    }

    /**
     * {@code demo --kafka} through bin/sluice: finds examples/kafkajs from the checkout, installs Node and kafkajs if
     * needed, and ends with equal counts. KafkajsExampleTest (kafka-protocol) checks the event ids themselves.
     */
    @Test
    void theKafkajsDemoEndsWithMatchingCounts() throws Exception {
        SluiceProcess.Result demo = SluiceProcess.run(null, 600, "demo", "--kafka", "--timeout-s", "180");
        org.junit.jupiter.api.Assumptions.assumeFalse(
                demo.stderr().contains("Node.js 18+ and npm are not installed"),
                "skipped: no Node.js here and install-node.sh could not install it: " + demo.stderr());
        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        List<String> lines = demo.stdoutLines();
        assertThat(lines.get(lines.size() - 1))
                .matches("demo --kafka: produced=(\\d+) email-service=\\1 db-service=\\1")
                .doesNotContain("produced=0 ");
        assertThat(demo.stdout()).contains("[email-service] Email service received: {\"id\":",
                "[db-service] DB service received: {\"id\":", "demo --kafka: local node stopped");
    }
}
