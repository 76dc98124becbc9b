package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.AuthenticationConfig;
import dev.sluice.broker.server.AuthorizationConfig;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
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
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka listener with SCRAM ({@code listener.kafka.sasl.enabled.mechanisms}) against the Apache Java client's
 * own SASL_PLAINTEXT with {@code ScramLoginModule}: users created through Sluice's Admin (credentials in the metadata
 * log) produce and consume with SCRAM-SHA-256 and SCRAM-SHA-512; ACLs apply to {@code User:<name>}; a wrong password
 * and an unknown user get the same refusal; a client without SASL and a deleted user get nowhere.
 */
class KafkaScramTest {
    @TempDir
    static Path dir;
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        // The gRPC port stays open to anonymous callers (the test's operator), a super user; alice is one too.
        node = KafkaTestNode.start(Files.createDirectory(dir.resolve("data")), Map.of(
                AuthenticationConfig.KAFKA_MECHANISMS, "SCRAM-SHA-256,SCRAM-SHA-512",
                AuthorizationConfig.ENABLED, "true",
                AuthorizationConfig.SUPER_USERS, "User:ANONYMOUS;User:alice"));
        try (dev.sluice.client.Admin sluice = dev.sluice.client.Admin.create(Map.of("bootstrap.servers",
                node.grpcBootstrap()))) {
            sluice.createUser("alice", "SCRAM-SHA-256", "alice-secret".toCharArray(), 4096);
            sluice.createUser("bob", "SCRAM-SHA-512", "bob-secret".toCharArray(), 4096);
            sluice.createAcls(List.of(new AclBinding(ResourcePattern.literal(ResourceType.TOPIC, "scram-orders"),
                    new AclEntry("User:bob", AclEntry.ANY_HOST, AclOperation.READ, AclPermission.ALLOW))));
        }
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theJavaClientProducesAndConsumesWithScram() throws Exception {
        Properties alice = scram("SCRAM-SHA-256", "alice", "alice-secret");
        try (Admin admin = Admin.create(alice)) {
            admin.createTopics(List.of(new NewTopic("scram-orders", 1, (short) 1))).all().get();
        }
        Properties producerProperties = new Properties();
        producerProperties.putAll(alice);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties,
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("scram-orders", bytes("k" + i), bytes("order-" + i))).get();
            }
        }
        Properties consumerProperties = scram("SCRAM-SHA-512", "bob", "bob-secret");
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("scram-orders", 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 20 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(values).hasSize(20).first().isEqualTo("order-0");
    }

    @Test
    void theScramUserIsThePrincipalTheAclsName() throws Exception {
        try (Admin admin = Admin.create(scram("SCRAM-SHA-256", "alice", "alice-secret"))) {
            admin.createTopics(List.of(new NewTopic("scram-acl", 1, (short) 1))).all().get();
        }
        Properties bob = scram("SCRAM-SHA-512", "bob", "bob-secret");
        bob.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bob, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("scram-acl", bytes("k"), bytes("v"))).get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreRefusedAlike() {
        String wrongPassword = refusal(scram("SCRAM-SHA-256", "alice", "wrong"));
        String unknownUser = refusal(scram("SCRAM-SHA-256", "mallory", "alice-secret"));
        assertThat(wrongPassword).isEqualTo(unknownUser).contains("unknown user or wrong password")
                .doesNotContain("alice-secret");
    }

    @Test
    void aClientWithoutSaslGetsNowhere() {
        Properties plain = new Properties();
        plain.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aDeletedUserCannotAuthenticate() throws Exception {
        try (dev.sluice.client.Admin sluice = dev.sluice.client.Admin.create(Map.of("bootstrap.servers",
                node.grpcBootstrap()))) {
            sluice.createUser("carol", "SCRAM-SHA-512", "carol-secret".toCharArray(), 4096);
            try (Admin carol = Admin.create(scram("SCRAM-SHA-512", "carol", "carol-secret"))) {
                assertThat(carol.describeCluster().nodes().get()).hasSize(1);
            }
            sluice.deleteUser("carol");
        }
        assertThat(refusal(scram("SCRAM-SHA-512", "carol", "carol-secret")))
                .contains("unknown user or wrong password");
    }

    /** The message of the SaslAuthenticationException the client fails with. */
    private static String refusal(Properties properties) {
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(properties)) {
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get());
            assertThat(failure.getCause()).isInstanceOf(SaslAuthenticationException.class);
            return failure.getCause().getMessage();
        }
    }

    private static Properties scram(String mechanism, String user, String password) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        properties.put(SaslConfigs.SASL_MECHANISM, mechanism);
        properties.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"" + user + "\" password=\"" + password + "\";");
        return properties;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
