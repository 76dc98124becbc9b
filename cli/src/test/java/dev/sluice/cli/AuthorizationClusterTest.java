package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.server.AuthorizationConfig;
import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.Admin;
import dev.sluice.client.AuthorizationException;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicListing;
import dev.sluice.client.TopicPartition;
import dev.sluice.kafka.KafkaProtocol;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.ChannelSecurity;
import dev.sluice.security.GrpcTls;
import dev.sluice.security.TestCertificates;
import dev.sluice.security.TlsSettings;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Authorization on a real three-node cluster with mTLS on both gRPC ports and the Kafka listener, every certificate
 * made here: the nodes' principals and {@code CN=admin} are super users (the nodes replicate to each other with
 * replication factor 3, which needs CLUSTER_ACTION), and every other principal gets exactly what {@code sluice acl
 * add} grants it. Checked through Sluice's Java client, the CLI and Kafka's Java client.
 */
@Tag("integration")
class AuthorizationClusterTest {
    private static final TestCertificates.Authority CA = TestCertificates.authority("acl-test-ca");
    @TempDir
    static Path dir;
    private static final List<Node> NODES = new ArrayList<>();
    private static String brokers;
    private static int kafkaPort;

    @BeforeAll
    static void startCluster() throws Exception {
        CA.writeCertificate(dir.resolve("ca.pem"));
        for (String name : List.of("node-1", "node-2", "node-3")) {
            CA.issue("CN=" + name, "127.0.0.1").write(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
        }
        for (String name : List.of("admin", "writer", "stranger", "kafka-client", "reader")) {
            CA.issue("CN=" + name).write(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
        }
        int[][] ports = new int[3][3];
        StringBuilder quorum = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ports[i][j] = SluiceProcess.freePort();
            }
            quorum.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(ports[i][1]);
        }
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "node-" + (i + 1);
            Properties properties = MutualTlsNode.properties(dir.resolve("data-" + name), dir.resolve(name + ".pem"),
                    dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
            properties.setProperty(NodeConfig.NODE_ID, String.valueOf(i + 1));
            properties.setProperty(NodeConfig.BROKER_PORT, String.valueOf(ports[i][0]));
            properties.setProperty(NodeConfig.CONTROLLER_PORT, String.valueOf(ports[i][1]));
            properties.setProperty(NodeConfig.HTTP_PORT, String.valueOf(ports[i][2]));
            properties.setProperty(NodeConfig.CONTROLLER_QUORUM, quorum.toString());
            properties.setProperty(NodeConfig.CLUSTER_ID, "acl-test");
            properties.setProperty(KafkaListenerConfig.PORT, "0");
            properties.setProperty("listener.kafka.tls.cert", dir.resolve(name + ".pem").toString());
            properties.setProperty("listener.kafka.tls.key", dir.resolve(name + "-key.pem").toString());
            properties.setProperty("listener.kafka.tls.ca", dir.resolve("ca.pem").toString());
            properties.setProperty("listener.kafka.tls.client.auth", "required");
            properties.setProperty(AuthorizationConfig.ENABLED, "true");
            properties.setProperty(AuthorizationConfig.SUPER_USERS,
                    "User:CN=node-1;User:CN=node-2;User:CN=node-3;User:CN=admin");
            NodeConfig config = NodeConfig.parse(properties);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return Node.start(config, List.of(new KafkaProtocol()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        starting.forEach(future -> NODES.add(future.join()));
        for (Node node : NODES) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        }
        brokers = NODES.get(0).bootstrapServers();
        kafkaPort = NODES.get(0).metadataImage().cluster().broker(1).kafkaPort();
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic("orders", 3, 3), new NewTopic("payments", 1, 3),
                    new NewTopic("pre-a", 1, 3), new NewTopic("other", 1, 3),
                    new NewTopic("denied", 1, 3)));
        }
    }

    @AfterAll
    static void stopCluster() {
        NODES.forEach(Node::close);
    }

    @Test
    void aSuperUserDoesEverythingAndTheNodesReplicate() throws Exception {
        try (Producer<String, String> producer = producer("admin", "all")) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("orders", "k" + i, "v" + i)).get();
            }
        }
        assertThat(consume("admin", "orders", 3, 30)).hasSize(30);
        try (Admin admin = admin("admin")) {
            assertThat(admin.listTopics()).extracting(TopicListing::name).contains("orders", "payments");
            // acks=all went through, so every replica fetched: the nodes' principals passed CLUSTER_ACTION.
            assertThat(admin.describeTopics(List.of("orders")).get("orders").partitions())
                    .allSatisfy(p -> assertThat(p.isr()).hasSize(3));
        }
    }

    @Test
    void withoutWriteNothingIsAppendedAndAclAddGrantsIt() throws Exception {
        assertRefused(() -> produceOne("writer", "payments", "1"));
        assertThat(run("acl", "add", "--principal", "CN=writer", "--operation", "describe", "--topic", "payments"))
                .isZero();
        // With DESCRIBE the topic is visible, and the Produce itself is refused.
        assertThatThrownBy(() -> produceOne("writer", "payments", "1")).hasRootCauseInstanceOf(
                AuthorizationException.class).hasMessageContaining("not authorized to WRITE topic 'payments'");
        assertThat(logEnd("payments")).isZero();

        assertThat(run("acl", "add", "--principal", "User:CN=writer", "--allow", "--operation", "write",
                "--topic", "payments")).isZero();
        assertThat(out.toString()).contains("added ALLOW User:CN=writer WRITE on topic 'payments'");
        try (Producer<String, String> producer = producer("writer", "all")) {
            producer.send(new ProducerRecord<>("payments", "k", "v")).get();
        }
        assertThat(logEnd("payments")).isEqualTo(1);
    }

    @Test
    void aPrefixedAclCoversEveryTopicStartingWithIt() throws Exception {
        assertThat(run("acl", "add", "--principal", "CN=writer", "--operation", "write", "--topic", "pre-",
                "--prefixed")).isZero();
        produceOne("writer", "pre-a", "1");
        assertRefused(() -> produceOne("writer", "other", "1"));
        assertThat(logEnd("other")).isZero();
    }

    @Test
    void aDenyBeatsAnAllow() throws Exception {
        assertThat(run("acl", "add", "--principal", "CN=writer", "--operation", "write,describe", "--topic",
                "denied")).isZero();
        assertThat(run("acl", "add", "--principal", "CN=writer", "--deny", "--operation", "write", "--topic",
                "denied")).isZero();
        assertRefused(() -> produceOne("writer", "denied", "1"));
        assertThat(logEnd("denied")).isZero();
    }

    @Test
    void aPrincipalWithoutAclsCanNeitherSeeNorReadNorWrite() throws Exception {
        try (Admin admin = admin("stranger")) {
            assertThat(admin.listTopics()).isEmpty();
            assertThatThrownBy(() -> admin.describeTopics(List.of("orders")))
                    .isInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("mine", 1, 1))))
                    .isInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> admin.deleteTopics(List.of("orders")))
                    .isInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> admin.describeGroup("some-group")).isInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> admin.describeAcls(dev.sluice.security.acl.AclBindingFilter.ANY))
                    .isInstanceOf(AuthorizationException.class)
                    .satisfies(e -> assertThat(((AuthorizationException) e).errorCode())
                            .isEqualTo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
        }
        assertRefused(() -> produceOne("stranger", "orders", "1"));
        assertRefused(() -> consume("stranger", "orders", 1, 1));
        try (Admin admin = admin("admin")) {
            assertThat(admin.listTopics()).extracting(TopicListing::name).contains("orders").doesNotContain("mine");
        }
    }

    @Test
    void onlyTheNodesMayFetchAsReplicas() {
        assertThat(replicaFetchAs("writer").getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
        assertThat(replicaFetchAs("node-2").getCode()).as("a node principal (a super user) gets past the check")
                .isNotEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
    }

    /** The status of a ReplicaFetch to node 1 with {@code who}'s certificate (OK when it was answered). */
    private static io.grpc.Status replicaFetchAs(String who) {
        ChannelSecurity security = GrpcTls.channelSecurity(TlsSettings.client(dir.resolve("ca.pem"),
                dir.resolve(who + ".pem"), dir.resolve(who + "-key.pem")), java.time.Clock.systemUTC());
        String[] hostPort = brokers.split(",")[0].split(":");
        ManagedChannel channel = security.open(hostPort[0], Integer.parseInt(hostPort[1]));
        try {
            ReplicationGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .replicaFetch(ReplicaFetchRequest.newBuilder().setReplicaId(2).setMaxWaitMs(0).build());
            return io.grpc.Status.OK;
        } catch (io.grpc.StatusRuntimeException e) {
            return e.getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void kafkasJavaClientGetsTopicAuthorizationException() throws Exception {
        Properties properties = kafkaTls("kafka-client");
        properties.put(ProducerConfig.ACKS_CONFIG, "1");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("orders",
                    new byte[] {1})).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        Properties adminProperties = kafkaTls("kafka-client");
        adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                adminProperties)) {
            assertThat(admin.listTopics().names().get()).as("Metadata lists no topic it may not describe").isEmpty();
            assertThatThrownBy(() -> admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(
                    "kafka-made", 1, (short) 1))).all().get()).hasCauseInstanceOf(TopicAuthorizationException.class);
            ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            assertThatThrownBy(() -> admin.describeConfigs(List.of(orders)).all().get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void anIdempotentProducerWithoutWriteFailsAtOnceAndAGroupNeedsItsOwnAcl() throws Exception {
        assertThat(run("acl", "add", "--principal", "CN=reader", "--operation", "read", "--topic", "orders"))
                .isZero();
        try (Producer<String, String> producer = producer("reader", "all")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("orders", "k", "v")).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AuthorizationException.class)
                    .satisfies(e -> assertThat(((AuthorizationException) e).errorCode())
                            .isEqualTo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
        }
        Properties properties = kafkaTls("reader");
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-group");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition orders0 = new org.apache.kafka.common.TopicPartition("orders", 0);
            consumer.assign(List.of(orders0));
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> commit = Map.of(orders0,
                    new OffsetAndMetadata(0));
            assertThatThrownBy(() -> consumer.commitSync(commit)).isInstanceOf(GroupAuthorizationException.class);
            assertThat(run("acl", "add", "--principal", "CN=reader", "--operation", "read", "--group",
                    "reader-group")).isZero();
            consumer.commitSync(commit);
            assertThat(consumer.committed(java.util.Set.of(orders0)).get(orders0).offset()).isZero();
        }
    }

    @Test
    void aclListAndRemove() {
        assertThat(run("acl", "add", "--principal", "CN=lister", "--operation", "read", "--group", "g1",
                "--host", "10.0.0.1")).isZero();
        assertThat(run("acl", "list", "--group", "g1")).isZero();
        assertThat(out.toString()).contains("ALLOW", "User:CN=lister", "READ", "GROUP", "g1", "LITERAL", "10.0.0.1");
        assertThat(run("acl", "remove", "--group", "g1", "--principal", "CN=lister")).isZero();
        assertThat(out.toString()).contains("removed ALLOW User:CN=lister READ on group 'g1' from 10.0.0.1");
        assertThat(run("acl", "list", "--group", "g1")).isZero();
        assertThat(out.toString()).doesNotContain("CN=lister");
        assertThat(run("acl", "add", "--principal", "CN=p1", "--principal", "CN=p2", "--operation", "read,describe",
                "--topic", "multi")).isZero();
        assertThat(run("acl", "list", "--topic", "multi", "--operation", "read")).isZero();
        assertThat(out.toString()).contains("User:CN=p1", "User:CN=p2").doesNotContain("DESCRIBE");
        assertThat(out.toString().lines().count()).isEqualTo(3);
        assertThat(run("acl", "add", "--principal", "CN=x", "--operation", "fly", "--topic", "t")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown operation 'fly'");
        assertThat(run("acl", "add", "--principal", "CN=x", "--operation", "write", "--cluster", "--prefixed"))
                .isEqualTo(2);
        assertThat(runAs("stranger", "acl", "list")).isEqualTo(1);
        assertThat(err.toString()).contains("not authorized to DESCRIBE the cluster");
    }

    // ---- helpers

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs {@code sluice} as the admin. */
    private int run(String... args) {
        return runAs("admin", args);
    }

    private int runAs(String who, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--brokers", brokers, "--ca", dir.resolve("ca.pem").toString(), "--cert",
                dir.resolve(who + ".pem").toString(), "--key", dir.resolve(who + "-key.pem").toString()));
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(all.toArray(String[]::new));
    }

    private static Map<String, Object> clientConfig(String who) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", brokers);
        config.put("tls.ca", dir.resolve("ca.pem").toString());
        config.put("tls.cert", dir.resolve(who + ".pem").toString());
        config.put("tls.key", dir.resolve(who + "-key.pem").toString());
        return config;
    }

    private static Admin admin(String who) {
        return Admin.create(clientConfig(who));
    }

    private static Producer<String, String> producer(String who, String acks) {
        Map<String, Object> config = clientConfig(who);
        config.put("acks", acks);
        config.put("max.block.ms", 20_000);
        return new Producer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** One record with acks=1 (no idempotence, so no producer id is asked for). */
    private static void produceOne(String who, String topic, String value) throws Exception {
        try (Producer<String, String> producer = producer(who, "1")) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable produce) {
        assertThatThrownBy(produce).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(AuthorizationException.class),
                e -> assertThat(e).hasRootCauseInstanceOf(AuthorizationException.class));
    }

    private static List<String> consume(String who, String topic, int partitions, int count) {
        Map<String, Object> config = clientConfig(who);
        config.put("auto.offset.reset", "earliest");
        List<String> values = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
            });
        }
        return values;
    }

    /** The summed log end offsets of a topic's partitions, as the admin sees them. */
    private static long logEnd(String topic) {
        try (Admin admin = admin("admin")) {
            return admin.describeTopics(List.of(topic)).get(topic).partitions().stream()
                    .mapToLong(PartitionDescription::logEndOffset).sum();
        }
    }

    /** Kafka's client settings for the TLS listener of node 1, as {@code who}. */
    private static Properties kafkaTls(String who) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("ca.pem").toString());
        properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        properties.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(who + ".pem"));
        properties.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, read(who + "-key.pem"));
        return properties;
    }

    private static String read(String file) {
        try {
            return java.nio.file.Files.readString(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
