package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice quota set|list|remove} against a real node, bad input refused with nothing applied. */
@Tag("integration")
class QuotaCliTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void setListAndRemove() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dir.resolve("data").toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty("kafka.listener.enabled", "false");
        try (Node node = Node.start(NodeConfig.parse(properties))) {
            assertThat(node.awaitReady(Duration.ofSeconds(30))).isTrue();
            String brokers = "--brokers=" + node.bootstrapServers();
            assertThat(run("quota", "set", "--for-user", "alice", "producer_byte_rate=1048576",
                    "consumer_byte_rate=2097152", brokers)).as(err.toString()).isZero();
            assertThat(out.toString()).isEqualTo("set producer_byte_rate=1048576 for user=alice\n"
                    + "set consumer_byte_rate=2097152 for user=alice\n");
            assertThat(run("quota", "set", "--for-user", "User:alice", "--for-default-client-id",
                    "request_percentage=12.5", brokers)).as(err.toString()).isZero();
            assertThat(run("quota", "set", "--for-default-user", "producer_byte_rate=65536", brokers)).isZero();

            // Refused by the controller: nothing of the alteration is applied, and the message says why.
            assertThat(run("quota", "set", "--for-user", "bob", "producer_byte_rate=1000", "bogus=1", brokers))
                    .isEqualTo(1);
            assertThat(err.toString()).contains("unknown quota key 'bogus'");
            assertThat(run("quota", "set", "--for-user", "bob", "producer_byte_rate=-5", brokers)).isEqualTo(1);
            assertThat(err.toString()).contains("producer_byte_rate must be above 0");
            // Refused by the command line itself.
            assertThat(run("quota", "set", "--for-user", "bob", "producer_byte_rate=fast", brokers)).isEqualTo(2);
            assertThat(run("quota", "set", "producer_byte_rate=1000", brokers)).isEqualTo(2);

            assertThat(run("quota", "list", brokers)).as(err.toString()).isZero();
            assertThat(out.toString().lines().map(String::strip).map(l -> l.replaceAll("\\s+", " ")).toList())
                    .containsExactly("USER CLIENT-ID KEY VALUE",
                            "<default> producer_byte_rate 65536",
                            "alice consumer_byte_rate 2097152",
                            "alice producer_byte_rate 1048576",
                            "alice <default> request_percentage 12.5");
            assertThat(run("quota", "list", "--for-user", "alice", "--for-default-client-id", brokers)).isZero();
            assertThat(out.toString()).contains("request_percentage").doesNotContain("producer_byte_rate");

            assertThat(run("quota", "remove", "--for-user", "alice", "consumer_byte_rate", brokers)).isZero();
            assertThat(out.toString()).isEqualTo("removed consumer_byte_rate for user=alice\n");
            assertThat(run("quota", "remove", "--for-user", "alice", brokers)).isZero();
            assertThat(out.toString()).isEqualTo("removed producer_byte_rate for user=alice\n");
            assertThat(run("quota", "list", "--for-user", "alice", brokers)).isZero();
            assertThat(out.toString()).as("only the entity user=alice was removed, not user=alice,client-id=<default>")
                    .doesNotContain("byte_rate").contains("request_percentage");
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
