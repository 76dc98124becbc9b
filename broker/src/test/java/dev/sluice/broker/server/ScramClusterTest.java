package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.Admin;
import dev.sluice.client.AuthenticationException;
import dev.sluice.client.AuthorizationException;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.TopicPartition;
import dev.sluice.client.UserDescription;
import dev.sluice.client.internal.ChannelPool;
import dev.sluice.proto.v1.AdminGrpc;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.DescribeUserScramCredentialsRequest;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.ListGroupsRequest;
import dev.sluice.proto.v1.ListTopicsRequest;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.UsersGrpc;
import dev.sluice.security.TestCertificates;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import dev.sluice.security.TlsSettings;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three combined nodes with {@code authentication.required=true}. The broker port has TLS with client certificates
 * requested (not required): the nodes (replica fetch) and an operator hold certificates, the applications
 * authenticate with SCRAM over TLS without one. Authorization is on, with the operator and the nodes as super users:
 * the ACLs name the SCRAM users as {@code User:<name>}.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScramClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestCertificates.Authority ca = TestCertificates.authority("scram-test-ca");
    private Path dir;
    private InProcessCluster cluster;

    @BeforeAll
    void startCluster() throws IOException {
        dir = Files.createTempDirectory("scram-cluster");
        ca.writeCertificate(dir.resolve("ca.pem"));
        cluster = InProcessCluster.start(dir.resolve("data"), "scram-test", id -> {
            ca.issue("CN=node-" + id, "127.0.0.1", "localhost")
                    .write(dir.resolve("node-" + id + ".pem"), dir.resolve("node-" + id + "-key.pem"));
            Map<String, String> config = new HashMap<>();
            config.put(NodeTls.key(NodeTls.CLIENT, "cert"), dir.resolve("node-" + id + ".pem").toString());
            config.put(NodeTls.key(NodeTls.CLIENT, "key"), dir.resolve("node-" + id + "-key.pem").toString());
            config.put(NodeTls.key(NodeTls.CLIENT, "ca"), dir.resolve("ca.pem").toString());
            config.put(NodeTls.key(NodeTls.CLIENT, "client.auth"), "requested");
            config.put(AuthenticationConfig.REQUIRED, "true");
            config.put(AuthorizationConfig.ENABLED, "true");
            config.put(AuthorizationConfig.SUPER_USERS,
                    "User:CN=operator;User:CN=node-1;User:CN=node-2;User:CN=node-3");
            config.put(NodeConfig.OFFSETS_TOPIC_PARTITIONS, "1");
            return config;
        });
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).awaitReady(WAIT)).as("node %d ready", id).isTrue();
        }
        ca.issue("CN=operator").write(dir.resolve("operator.pem"), dir.resolve("operator-key.pem"));
        try (Admin operator = Admin.create(operatorConfig())) {
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
                operator.createUser("alice", "SCRAM-SHA-256", "alice-secret".toCharArray(), 4096);
                return true;
            });
            operator.createUser("bob", "SCRAM-SHA-512", "bob-secret".toCharArray(), 8192);
            operator.createTopics(List.of(new NewTopic("orders", 3, (short) 3)));
            operator.createAcls(List.of(allow("User:alice", ResourcePattern.literal(ResourceType.TOPIC, "orders"),
                            AclOperation.WRITE),
                    allow("User:alice", ResourcePattern.cluster(), AclOperation.IDEMPOTENT_WRITE),
                    allow("User:bob", ResourcePattern.literal(ResourceType.TOPIC, "orders"), AclOperation.READ),
                    allow("User:bob", ResourcePattern.cluster(), AclOperation.DESCRIBE)));
        }
    }

    private static AclBinding allow(String principal, ResourcePattern pattern, AclOperation operation) {
        return new AclBinding(pattern, new AclEntry(principal, AclEntry.ANY_HOST, operation, AclPermission.ALLOW));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String bootstrap() {
        return "127.0.0.1:" + cluster.brokerPort(1);
    }

    private Map<String, Object> tlsOnly() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap());
        config.put("tls.ca", dir.resolve("ca.pem").toString());
        config.put("request.timeout.ms", 10_000);
        config.put("default.api.timeout.ms", 20_000);
        return config;
    }

    private Map<String, Object> operatorConfig() {
        Map<String, Object> config = tlsOnly();
        config.put("tls.cert", dir.resolve("operator.pem").toString());
        config.put("tls.key", dir.resolve("operator-key.pem").toString());
        return config;
    }

    private Map<String, Object> scram(String mechanism, String user, String password) {
        Map<String, Object> config = tlsOnly();
        config.put("sasl.mechanism", mechanism);
        config.put("sasl.username", user);
        config.put("sasl.password", password);
        return config;
    }

    @Test
    void aClientWithoutCredentialsIsRefusedOnEveryApi() {
        try (ChannelPool pool = new ChannelPool(TlsSettings.client(dir.resolve("ca.pem"), null, null))) {
            Channel channel = pool.channel(bootstrap());
            List<java.util.function.Consumer<Channel>> calls = List.of(
                    c -> BrokerGrpc.newBlockingStub(c).metadata(MetadataRequest.getDefaultInstance()),
                    c -> BrokerGrpc.newBlockingStub(c).produce(ProduceRequest.getDefaultInstance()),
                    c -> BrokerGrpc.newBlockingStub(c).fetch(FetchRequest.getDefaultInstance()),
                    c -> AdminGrpc.newBlockingStub(c).listTopics(ListTopicsRequest.getDefaultInstance()),
                    c -> GroupGrpc.newBlockingStub(c).listGroups(ListGroupsRequest.getDefaultInstance()),
                    c -> UsersGrpc.newBlockingStub(c).describeUserScramCredentials(
                            DescribeUserScramCredentialsRequest.getDefaultInstance()));
            for (java.util.function.Consumer<Channel> call : calls) {
                assertThatThrownBy(() -> call.accept(channel)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            }
        }
        try (Admin anonymous = Admin.create(tlsOnly())) {
            assertThatThrownBy(anonymous::listTopics).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("authentication required");
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreRefusedAlike() {
        String wrongPassword;
        String unknownUser;
        try (Admin admin = Admin.create(scram("SCRAM-SHA-256", "alice", "not-her-password"))) {
            wrongPassword = assertThatThrownBy(admin::listTopics).isInstanceOf(AuthenticationException.class)
                    .actual().getMessage();
        }
        try (Admin admin = Admin.create(scram("SCRAM-SHA-256", "mallory", "alice-secret"))) {
            unknownUser = assertThatThrownBy(admin::listTopics).isInstanceOf(AuthenticationException.class)
                    .actual().getMessage();
        }
        assertThat(wrongPassword).isEqualTo(unknownUser).contains("unknown user or wrong password")
                .doesNotContain("not-her-password", "alice-secret");
        // The right password of the wrong mechanism fails the same way: bob has only SCRAM-SHA-512.
        try (Admin admin = Admin.create(scram("SCRAM-SHA-256", "bob", "bob-secret"))) {
            assertThatThrownBy(admin::listTopics).isInstanceOf(AuthenticationException.class)
                    .hasMessage(wrongPassword);
        }
    }

    @Test
    void theRightPasswordProducesAndConsumesThroughEveryBroker() throws Exception {
        Map<String, Object> alice = scram("SCRAM-SHA-256", "alice", "alice-secret");
        alice.put("acks", "all");
        try (Producer<byte[], byte[]> producer = new Producer<>(alice, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(producer.send(new ProducerRecord<>("orders", i % 3, null,
                        ("r" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> bob = scram("SCRAM-SHA-512", "bob", "bob-secret");
        bob.put("auto.offset.reset", "earliest");
        try (Consumer<byte[], byte[]> consumer = new Consumer<>(bob, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
                    new TopicPartition("orders", 2)));
            AtomicInteger read = new AtomicInteger();
            Awaitility.await().atMost(WAIT).until(() -> read.addAndGet(consumer.poll(Duration.ofMillis(200))
                    .count()) >= 30);
        }
        try (Admin admin = Admin.create(bob)) {
            assertThat(admin.describeUsers()).extracting(UserDescription::user).contains("alice", "bob");
            assertThat(admin.describeUsers()).filteredOn(u -> u.user().equals("bob")).singleElement()
                    .satisfies(u -> assertThat(u.iterationsByMechanism()).isEqualTo(Map.of("SCRAM-SHA-512", 8192)));
        }
    }

    @Test
    void aclsApplyToTheScramPrincipal() throws Exception {
        try (Admin operator = Admin.create(operatorConfig())) {
            operator.createUser("dave", "SCRAM-SHA-512", "dave-secret".toCharArray(), 4096);
            Map<String, Object> dave = scram("SCRAM-SHA-512", "dave", "dave-secret");
            dave.put("enable.idempotence", "false");
            dave.put("acks", "all");
            dave.put("max.block.ms", "5000");
            try (Producer<byte[], byte[]> producer = new Producer<>(dave, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("orders", 0, null, new byte[1]))
                        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AuthorizationException.class);
            }
            operator.createAcls(List.of(allow("User:dave", ResourcePattern.literal(ResourceType.TOPIC, "orders"),
                    AclOperation.WRITE)));
            try (Producer<byte[], byte[]> producer = new Producer<>(dave, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                assertThat(producer.send(new ProducerRecord<>("orders", 0, null, new byte[1]))
                        .get(30, TimeUnit.SECONDS).offset()).isNotNegative();
            }
        }
    }

    @Test
    void aDeletedUserCannotAuthenticateAndLosesItsSessions() {
        try (Admin operator = Admin.create(operatorConfig())) {
            operator.createUser("carol", "SCRAM-SHA-256", "carol-secret".toCharArray(), 4096);
            try (Admin carol = Admin.create(scram("SCRAM-SHA-256", "carol", "carol-secret"))) {
                assertThat(carol.listTopics()).isEmpty();  // authenticated, but no ACL lets it see a topic
                operator.deleteUser("carol");
                // The session token is refused on its next use on every broker; authenticating again fails.
                Awaitility.await().atMost(WAIT).until(() -> {
                    try {
                        carol.listTopics();
                        return false;
                    } catch (AuthenticationException e) {
                        return true;
                    }
                });
            }
            try (Admin carol = Admin.create(scram("SCRAM-SHA-256", "carol", "carol-secret"))) {
                assertThatThrownBy(carol::listTopics).isInstanceOf(AuthenticationException.class);
            }
            assertThat(operator.describeUsers()).extracting(UserDescription::user).doesNotContain("carol");
        }
    }
}
