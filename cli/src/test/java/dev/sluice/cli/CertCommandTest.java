package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.security.PemFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice cert}: the files it makes set up mutual TLS on a real node, and a client certificate of another CA
 * is refused; keys are owner-only; bad input is refused naming it, and nothing is overwritten without --force.
 */
@Tag("integration")
class CertCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void itsFilesSetUpMutualTlsOnARealNode() throws Exception {
        Path tls = dir.resolve("tls");
        assertThat(run("cert", "ca", "--dir", tls.toString())).as(err.toString()).isZero();
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "node-1", "--host",
                "localhost,127.0.0.1")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("CN=node-1,O=Sluice");
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "orders", "--client",
                "--subject", "CN=orders,O=Payments")).as(err.toString()).isZero();
        Path other = dir.resolve("other");
        assertThat(run("cert", "ca", "--dir", other.toString(), "--subject", "CN=Stranger CA")).isZero();
        assertThat(run("cert", "issue", "--ca-dir", other.toString(), "--name", "orders", "--client")).isZero();

        assertThat(Files.getPosixFilePermissions(tls.resolve("orders-key.pem")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(tls.resolve("ca-key.pem")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        X509Certificate node = PemFiles.readCertificates(tls.resolve("node-1.pem")).get(0);
        X509Certificate ca = PemFiles.readCertificates(tls.resolve("ca.pem")).get(0);
        node.verify(ca.getPublicKey());
        assertThat(node.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))).toList())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");
        assertThat(node.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(PemFiles.readCertificates(tls.resolve("orders.pem")).get(0).getExtendedKeyUsage())
                .containsExactly("1.3.6.1.5.5.7.3.2");

        try (Node server = Node.start(NodeConfig.parse(MutualTlsNode.properties(dir.resolve("data"),
                tls.resolve("node-1.pem"), tls.resolve("node-1-key.pem"), tls.resolve("ca.pem"))))) {
            assertThat(server.awaitReady(Duration.ofSeconds(30))).isTrue();
            String brokers = "--brokers=" + server.bootstrapServers();
            assertThat(run("topic", "create", "orders", brokers, "--ca", tls.resolve("ca.pem").toString(),
                    "--cert", tls.resolve("orders.pem").toString(), "--key", tls.resolve("orders-key.pem").toString()))
                    .as(err.toString()).isZero();
            assertThat(run("topic", "list", brokers, "--ca", tls.resolve("ca.pem").toString(),
                    "--cert", other.resolve("orders.pem").toString(), "--key", other.resolve("orders-key.pem")
                            .toString())).as("a client certificate of another CA").isEqualTo(1);
            assertThat(err.toString()).contains("TLS handshake failed");
        }
    }

    @Test
    void badInputIsRefusedNamingItAndNothingIsOverwritten() throws Exception {
        Path tls = dir.resolve("tls");
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "n", "--host", "localhost"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cannot read the CA in").contains("sluice cert ca --dir");
        assertThat(run("cert", "ca", "--dir", tls.toString())).isZero();
        String caBefore = Files.readString(tls.resolve("ca.pem"));
        assertThat(run("cert", "ca", "--dir", tls.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("exists; pass --force");
        assertThat(Files.readString(tls.resolve("ca.pem"))).isEqualTo(caBefore);

        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "n")).isEqualTo(2);
        assertThat(err.toString()).contains("needs --host");
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "n", "--host", "bad host!"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'bad host!' is neither a host name nor an IP address");
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "../escape", "--client"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--name must be a plain file name stem");
        assertThat(run("cert", "issue", "--ca-dir", tls.toString(), "--name", "n", "--client", "--subject",
                "not a name")).isEqualTo(2);
        assertThat(err.toString()).contains("is not a distinguished name");
        try (var files = Files.list(tls)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("ca.pem", "ca-key.pem");
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
