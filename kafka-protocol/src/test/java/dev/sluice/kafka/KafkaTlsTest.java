package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.NodeTls;
import dev.sluice.security.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka listener with TLS and required client certificates ({@code listener.kafka.tls.*}), against the Apache
 * Java client's own {@code SSL} security protocol with PEM files: a client with a certificate from the cluster's CA
 * produces and consumes, with the broker's host name verified; a plaintext client, a client without a certificate, a
 * client that trusts another CA and a client whose certificate no principal mapping rule maps all get nowhere.
 */
class KafkaTlsTest {
    private static final TestCertificates.Authority CA = TestCertificates.authority("sluice-kafka-test-ca");

    @TempDir
    static Path dir;
    private static KafkaTestNode node;
    private static Path caFile;

    @BeforeAll
    static void startNode() throws Exception {
        caFile = CA.writeCertificate(dir.resolve("ca.pem"));
        CA.issue("CN=node-1,O=Sluice", "127.0.0.1", "localhost").write(dir.resolve("node.pem"),
                dir.resolve("node-key.pem"));
        node = KafkaTestNode.start(Files.createDirectory(dir.resolve("data")), Map.of(
                NodeTls.key(NodeTls.KAFKA, "cert"), dir.resolve("node.pem").toString(),
                NodeTls.key(NodeTls.KAFKA, "key"), dir.resolve("node-key.pem").toString(),
                NodeTls.key(NodeTls.KAFKA, "ca"), caFile.toString(),
                NodeTls.key(NodeTls.KAFKA, "client.auth"), "required",
                // Only certificates of organisation Sluice map to a principal; others are refused.
                NodeTls.PRINCIPAL_MAPPING_RULES, "RULE:^CN=([^,]*),O=Sluice$/$1/L"));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aClientWithTheClustersCertificatesProducesAndConsumes() throws Exception {
        Properties tls = tls(CA, CA.issue("CN=orders,O=Sluice"));
        try (Admin admin = Admin.create(withBootstrap(tls))) {
            admin.createTopics(List.of(new NewTopic("tls-orders", 1, (short) 1))).all().get();
        }
        Properties producerProperties = withBootstrap(tls);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties,
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("tls-orders", bytes("key-" + i), bytes("order-" + i))).get();
            }
        }
        Properties consumerProperties = withBootstrap(tls);
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("tls-orders", 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 50 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(values).hasSize(50).first().isEqualTo("order-0");
        assertThat(values).last().isEqualTo("order-49");
    }

    @Test
    void aPlaintextClientGetsNowhere() {
        assertUnreachable(new Properties());
    }

    @Test
    void aClientWithoutACertificateGetsNowhere() {
        Properties properties = tls(CA, null);
        assertUnreachable(properties);
    }

    @Test
    void aClientThatTrustsAnotherAuthorityGetsNowhere() {
        TestCertificates.Authority other = TestCertificates.authority("other-ca");
        assertUnreachable(tls(other, CA.issue("CN=orders,O=Sluice")));
    }

    @Test
    void aCertificateNoRuleMapsIsRefused() {
        assertUnreachable(tls(CA, CA.issue("CN=orders,O=Elsewhere")));
    }

    private static void assertUnreachable(Properties properties) {
        Properties admin = withBootstrap(properties);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin client = Admin.create(admin)) {
            assertThatThrownBy(() -> client.describeCluster().nodes().get()).isInstanceOf(ExecutionException.class);
        }
    }

    private static Properties withBootstrap(Properties base) {
        Properties properties = new Properties();
        properties.putAll(base);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        return properties;
    }

    /** Kafka's SSL client settings with PEM values: trust {@code trusted}, present {@code identity} unless null. */
    private static Properties tls(TestCertificates.Authority trusted, TestCertificates.Issued identity) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        properties.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, TestCertificates.pem("CERTIFICATE",
                encoded(trusted.certificate())));
        if (identity != null) {
            properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            properties.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, TestCertificates.pem("CERTIFICATE",
                    encoded(identity.certificate())));
            properties.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG,
                    TestCertificates.pem("PRIVATE KEY", identity.key().getEncoded()));
        }
        return properties;
    }

    private static byte[] encoded(java.security.cert.X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
