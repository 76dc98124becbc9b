package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.security.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --ca/--cert/--key} against a real node whose broker port requires client certificates. */
@Tag("integration")
class TlsCliTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void clientCommandsTalkMutualTlsWithTheFilesGivenAndFailWithoutThem() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("cli-ca");
        ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issue("CN=node-1", "127.0.0.1").write(dir.resolve("node.pem"), dir.resolve("node-key.pem"));
        ca.issue("CN=cli").write(dir.resolve("cli.pem"), dir.resolve("cli-key.pem"));
        Properties properties = MutualTlsNode.properties(dir.resolve("data"), dir.resolve("node.pem"),
                dir.resolve("node-key.pem"), dir.resolve("ca.pem"));
        try (Node node = Node.start(NodeConfig.parse(properties))) {
            assertThat(node.awaitReady(Duration.ofSeconds(30))).isTrue();
            String brokers = "--brokers=" + node.bootstrapServers();
            String[] tls = {"--ca", dir.resolve("ca.pem").toString(), "--cert", dir.resolve("cli.pem").toString(),
                "--key", dir.resolve("cli-key.pem").toString()};

            assertThat(run(null, concat(new String[] {"topic", "create", "t", brokers}, tls))).isZero();
            assertThat(run("a\nb\n", concat(new String[] {"produce", "t", "--acks", "all", brokers}, tls)))
                    .as(err.toString()).isZero();
            assertThat(run(null, concat(new String[] {"consume", "t", "--from-beginning", "--max-messages", "2",
                brokers}, tls))).isZero();
            assertThat(out.toString()).isEqualTo("a\nb\n");

            assertThat(run(null, "topic", "list", brokers)).as("plaintext").isEqualTo(1);
            assertThat(run(null, "topic", "list", brokers, "--ca", dir.resolve("ca.pem").toString()))
                    .as("TLS without a client certificate").isEqualTo(1);
            assertThat(err.toString()).contains("TLS handshake failed");
            assertThat(run(null, "topic", "list", brokers, "--ca", dir.resolve("ca.pem").toString(),
                    "--cert", dir.resolve("cli.pem").toString())).as("a certificate without its key").isEqualTo(2);
            assertThat(err.toString()).contains("tls.cert and tls.key go together");
        }
    }

    private int run(String stdin, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        InputStream original = System.in;
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            CommandLine commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            return commandLine.execute(args);
        } finally {
            System.setIn(original);
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
