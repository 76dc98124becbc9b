package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice user create|list|delete} and {@code --user/--password-file} against a real node. */
@Tag("integration")
class UserCliTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void createListAuthenticateAndDelete() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.DATA_DIR, dir.resolve("data").toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty("kafka.listener.enabled", "false");
        Path password = Files.writeString(dir.resolve("alice.password"), "s3cret pass\n");
        Path wrong = Files.writeString(dir.resolve("wrong.password"), "s3cret\n");
        try (Node node = Node.start(NodeConfig.parse(properties))) {
            assertThat(node.awaitReady(Duration.ofSeconds(30))).isTrue();
            String brokers = "--brokers=" + node.bootstrapServers();
            assertThat(run("user", "create", "alice", "--mechanism", "SCRAM-SHA-256", "--iterations", "8192",
                    "--new-password-file", password.toString(), brokers)).as(err.toString()).isZero();
            assertThat(out.toString()).isEqualTo("created user alice (SCRAM-SHA-256, 8192 iterations)\n");
            assertThat(run("user", "create", "bob", "--iterations", "100", "--new-password-file",
                    password.toString(), brokers)).isEqualTo(2);
            assertThat(err.toString()).contains("--iterations must be at least 4096");

            assertThat(run("user", "list", brokers)).isZero();
            assertThat(out.toString()).contains("alice").contains("SCRAM-SHA-256").doesNotContain("s3cret");

            assertThat(run("topic", "list", brokers, "--user", "alice", "--sasl-mechanism", "SCRAM-SHA-256",
                    "--password-file", password.toString())).as(err.toString()).isZero();
            assertThat(run("topic", "list", brokers, "--user", "alice", "--sasl-mechanism", "SCRAM-SHA-256",
                    "--password-file", wrong.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("unknown user or wrong password").doesNotContain("s3cret");

            assertThat(run("user", "delete", "alice", brokers)).isZero();
            assertThat(run("user", "list", brokers)).isZero();
            assertThat(out.toString()).doesNotContain("alice");
            assertThat(run("user", "delete", "alice", brokers)).isEqualTo(1);
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
