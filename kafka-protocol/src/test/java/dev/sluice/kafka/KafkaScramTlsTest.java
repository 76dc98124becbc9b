package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.AuthenticationConfig;
import dev.sluice.broker.server.NodeTls;
import dev.sluice.security.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL_SSL: the Kafka listener with TLS (no client certificates) and SCRAM, and {@code authentication.required} on the
 * node, which the listener satisfies through SASL. The Apache Java client authenticates over TLS; a wrong password is
 * refused. Without SASL or required certificates on the Kafka listener, the node refuses to start.
 */
class KafkaScramTlsTest {
    private static final TestCertificates.Authority CA = TestCertificates.authority("sluice-kafka-scram-ca");

    @TempDir
    static Path dir;
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        Path caFile = CA.writeCertificate(dir.resolve("ca.pem"));
        CA.issue("CN=node-1", "127.0.0.1", "localhost").write(dir.resolve("node.pem"), dir.resolve("node-key.pem"));
        CA.issue("CN=operator").write(dir.resolve("operator.pem"), dir.resolve("operator-key.pem"));
        node = KafkaTestNode.start(Files.createDirectory(dir.resolve("data")), Map.of(
                NodeTls.key(NodeTls.KAFKA, "cert"), dir.resolve("node.pem").toString(),
                NodeTls.key(NodeTls.KAFKA, "key"), dir.resolve("node-key.pem").toString(),
                NodeTls.key(NodeTls.CLIENT, "cert"), dir.resolve("node.pem").toString(),
                NodeTls.key(NodeTls.CLIENT, "key"), dir.resolve("node-key.pem").toString(),
                NodeTls.key(NodeTls.CLIENT, "ca"), caFile.toString(),
                NodeTls.key(NodeTls.CLIENT, "client.auth"), "requested",
                AuthenticationConfig.REQUIRED, "true",
                AuthenticationConfig.KAFKA_MECHANISMS, "SCRAM-SHA-512"));
        // The operator creates the user over gRPC with its certificate (authentication is required there too).
        try (dev.sluice.client.Admin operator = dev.sluice.client.Admin.create(Map.of(
                "bootstrap.servers", node.grpcBootstrap(), "tls.ca", caFile.toString(),
                "tls.cert", dir.resolve("operator.pem").toString(),
                "tls.key", dir.resolve("operator-key.pem").toString()))) {
            operator.createUser("erin", "SCRAM-SHA-512", "erin-secret".toCharArray(), 4096);
        }
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theJavaClientAuthenticatesOverTls() throws Exception {
        try (Admin admin = Admin.create(saslSsl("erin-secret"))) {
            admin.createTopics(List.of(new NewTopic("sasl-ssl", 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains("sasl-ssl");
        }
        Properties wrong = saslSsl("not-erins");
        wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aKafkaListenerThatWouldLetAnonymousClientsInStopsTheNode() {
        assertThatThrownBy(() -> KafkaTestNode.start(Files.createDirectory(dir.resolve("open")), Map.of(
                AuthenticationConfig.REQUIRED, "true")))
                .hasStackTraceContaining(AuthenticationConfig.KAFKA_MECHANISMS);
    }

    private static Properties saslSsl(String password) throws CertificateEncodingException {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        properties.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, TestCertificates.pem("CERTIFICATE",
                CA.certificate().getEncoded()));
        properties.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        properties.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"erin\" password=\"" + password + "\";");
        return properties;
    }
}
