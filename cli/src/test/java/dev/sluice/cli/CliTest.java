package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.fake.FakeBroker;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
    private FakeBroker broker;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private int runWithStdin(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(original);
        }
    }

    private String brokers() {
        return "--brokers=" + broker.address();
    }

    @Test
    void demoKafkaRefusesTheJavaDemosOptionsAndADirectoryWithoutTheExample(@org.junit.jupiter.api.io.TempDir
                                                                          java.nio.file.Path dir) {
        for (String option : new String[] {"--messages=5", "--quiet", "--jdbc-url=jdbc:sqlite:x.db"}) {
            assertThat(run("demo", "--kafka", option)).as(option).isEqualTo(2);
            assertThat(err.toString()).startsWith("error: " + option.split("=")[0] + " does not apply to --kafka");
        }
        assertThat(run("demo", "--example-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: --example-dir applies only to --kafka");
        assertThat(run("demo", "--kafka", "--example-dir", dir.toString(), "--data-dir", dir.resolve("data")
                .toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: no kafkajs example in " + dir);
    }

    @Test
    void topicCreateListDescribeAlterDelete() {
        assertThat(run("topic", "create", "orders", "--partitions", "3", "--replication-factor", "1",
                "--config", "retention.ms=1000", brokers())).isZero();
        assertThat(out.toString()).contains("created topic orders");
        assertThat(run("topic", "list", brokers())).isZero();
        assertThat(out.toString().lines().toList()).containsExactly(
                "TOPIC   PARTITIONS  REPLICATION  ID",
                "orders  3           1            id-orders");
        assertThat(run("topic", "alter", "orders", "--config", "cleanup.policy=delete", "--delete-config",
                "retention.ms", brokers())).isZero();
        assertThat(run("topic", "describe", "orders", brokers())).isZero();
        assertThat(out.toString()).contains("Topic: orders", "Configs: cleanup.policy=delete", "HIGH-WATERMARK");
        assertThat(out.toString().lines().filter(l -> l.startsWith("0 ") || l.startsWith("2 "))).hasSize(2);
        assertThat(run("topic", "delete", "orders", brokers())).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void topicCreateRefusesZeroAndNegativeCountsAndLeavesUnsetOnesToTheBroker() {
        for (String[] bad : new String[][] {{"--partitions", "0"}, {"--replication-factor", "0"},
                {"--partitions", "-3"}, {"--replication-factor", "-1"}}) {
            assertThat(run("topic", "create", "t", bad[0], bad[1], brokers())).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString()).startsWith("error: " + bad[0] + " must be at least 1, got " + bad[1])
                    .contains("leave it out for the broker's default");
        }
        assertThat(broker.lastCreateTopicsRequest()).as("nothing was sent").isNull();

        assertThat(run("topic", "create", "t", brokers())).isZero();
        assertThat(broker.lastCreateTopicsRequest().getTopics(0).hasPartitions()).isFalse();
        assertThat(broker.lastCreateTopicsRequest().getTopics(0).hasReplicationFactor()).isFalse();
    }

    @Test
    void produceThenConsumeWithKeysAndGroup() {
        broker.createTopic("t", 1);
        assertThat(runWithStdin("a:1\nb:2\nc:3\n", "produce", "t", "--key-separator", ":", "--acks", "1",
                brokers())).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
        assertThat(run("consume", "t", "--from-beginning", "--max-messages", "2", "--print-key", "--group", "g",
                brokers())).isZero();
        assertThat(out.toString()).isEqualTo("a\t1\nb\t2\n");
        assertThat(run("consume", "t", "--from-beginning", "--group", "g", "--timeout-ms", "300", brokers()))
                .isZero();
        assertThat(out.toString()).isEqualTo("3\n");
    }

    /** A leader that fails every fetch (a damaged store) no longer makes consume print nothing and exit 0. */
    @Test
    void consumeFailsWhenRecordsExistThatCannotBeRead() {
        broker.createTopic("t", 1);
        assertThat(runWithStdin("a\nb\n", "produce", "t", "--acks", "1", brokers())).isZero();
        broker.failFetches(dev.sluice.proto.v1.ErrorCode.KAFKA_STORAGE_ERROR);

        assertThat(run("consume", "t", "--from-beginning", "--timeout-ms", "300", brokers())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("error: no record could be read for 300 ms although the brokers hold "
                + "more: t-0 (position 0, end 2)");

        broker.failFetches(null);
        assertThat(run("consume", "t", "--from-beginning", "--timeout-ms", "300", brokers())).isZero();
        assertThat(out.toString()).isEqualTo("a\nb\n");
    }

    @Test
    void produceReportsLinesWithoutSeparatorAndExitsNonZero() {
        broker.createTopic("t", 1);
        assertThat(runWithStdin("k=v\nnokey\n", "produce", "t", "--key-separator", "=", brokers())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: line 2 has no key separator '='\n");
        assertThat(broker.log("t", 0).values()).containsExactly("v");
    }

    @Test
    void userMistakesPrintOneLineAndNoStackTrace() {
        assertThat(run("topic", "create", brokers())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Missing required parameter").doesNotContain("\tat ");
        assertThat(err.toString().lines()).hasSize(1);

        assertThat(run("topic", "describe", "ghost", brokers())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: topic ghost does not exist\n");

        assertThat(run("topic", "create", "bad name!", brokers())).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: invalid topic name");

        assertThat(runWithStdin("x\n", "produce", "ghost", brokers())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: topic ghost does not exist\n");

        assertThat(run("topic", "list", "--brokers=127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: broker 127.0.0.1:1 is unreachable\n");

        assertThat(run("consume", "t", "--brokers=nohost:notaport")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: bootstrap.servers: 'nohost:notaport' is not a valid host:port\n");

        broker.createTopic("t", 1);
        assertThat(runWithStdin("x\n", "produce", "t", "--acks", "2", brokers())).isEqualTo(2);
        assertThat(err.toString()).contains("acks must be one of");

        assertThat(run("bogus")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(run("topic", "alter", "t", brokers())).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to alter");
    }

    @Test
    void clusterInfoIsAligned() {
        assertThat(run("cluster", "info", brokers())).isZero();
        assertThat(out.toString()).contains("Cluster: fake-cluster  Controller: 1", "BROKER  HOST       PORT",
                "Quorum: leader 1", "leader", "Under-replicated partitions: 0", "Offline partitions: 0");
    }

    @Test
    void brokersDefaultToLocalhost() {
        assertThat(new BrokerOptions().bootstrapServers()).isEqualTo(
                System.getenv(BrokerOptions.ENV) == null ? "localhost:7092" : System.getenv(BrokerOptions.ENV));
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("sluice");
    }
}
