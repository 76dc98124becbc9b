package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.client.Admin;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicListing;
import dev.sluice.client.TopicPartition;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.proto.internal.v1.AllocateProducerIdsRequest;
import dev.sluice.proto.internal.v1.AllocateProducerIdsResponse;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.ChannelSecurity;
import dev.sluice.security.GrpcTls;
import dev.sluice.security.ReloadingIdentity;
import dev.sluice.security.ReloadingTrust;
import dev.sluice.security.TestCertificates;
import dev.sluice.security.TlsSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Three combined nodes with TLS and required client certificates on both gRPC ports (certificates made in the test):
 * who gets in on each port, replication factor 3 over TLS, the principal mapping, a node of another cluster holding
 * the cluster's certificates, and a certificate rotated while producing.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RULES = "RULE:^CN=([^,]*),O=Sluice$/$1/L,DEFAULT";
    private final TestCertificates.Authority ca = TestCertificates.authority("sluice-test-ca");
    private final TestCertificates.Authority otherCa = TestCertificates.authority("other-ca");
    private Path dir;
    private InProcessCluster cluster;

    @BeforeAll
    void startCluster() throws IOException {
        dir = Files.createTempDirectory("tls-cluster");
        ca.writeCertificate(dir.resolve("ca.pem"));
        cluster = InProcessCluster.start(dir.resolve("data"), "tls-test", id -> {
            ca.issue("CN=Node-" + id + ",O=Sluice", "127.0.0.1", "localhost")
                    .write(dir.resolve("node-" + id + ".pem"), dir.resolve("node-" + id + "-key.pem"));
            return nodeTls(id);
        });
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).awaitReady(WAIT)).as("node %d ready over TLS", id).isTrue();
        }
    }

    /** TLS and required client certificates on both ports, the node's own certificate for both. */
    private Map<String, String> nodeTls(int id) {
        Map<String, String> config = new HashMap<>();
        for (String listener : List.of(NodeTls.CLIENT, NodeTls.CONTROLLER)) {
            config.put(NodeTls.key(listener, "cert"), dir.resolve("node-" + id + ".pem").toString());
            config.put(NodeTls.key(listener, "key"), dir.resolve("node-" + id + "-key.pem").toString());
            config.put(NodeTls.key(listener, "ca"), dir.resolve("ca.pem").toString());
            config.put(NodeTls.key(listener, "client.auth"), "required");
        }
        config.put(NodeTls.RELOAD_CHECK_INTERVAL_MS, "200");
        config.put(NodeTls.PRINCIPAL_MAPPING_RULES, RULES);
        config.put(NodeConfig.OFFSETS_TOPIC_PARTITIONS, "1");
        return config;
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void replicationFactorThreeWorksOverTlsForAClientWithACertificate() throws Exception {
        Map<String, Object> client = clientConfig(ca.issue("CN=app,O=Sluice"), "app");
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("payments", 3, 3)));
        }
        Map<String, Object> producerConfig = new HashMap<>(client);
        producerConfig.put("acks", "all");
        try (Producer<byte[], byte[]> producer = new Producer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(producer.send(new ProducerRecord<>("payments", i % 3, null, bytes("r" + i))));
            }
            for (Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerConfig = new HashMap<>(client);
        consumerConfig.put("auto.offset.reset", "earliest");
        try (Consumer<byte[], byte[]> consumer = new Consumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("payments", 0), new TopicPartition("payments", 1),
                    new TopicPartition("payments", 2)));
            AtomicInteger read = new AtomicInteger();
            Awaitility.await().atMost(WAIT).until(() -> read.addAndGet(consumer.poll(Duration.ofMillis(200))
                    .count()) >= 300);
            assertThat(read.get()).isEqualTo(300);
        }
    }

    @Test
    void clientsWithoutTlsWithoutACertificateOrWithAnotherCasCertificateAreRefusedOnTheBrokerPort() {
        List<Map<String, Object>> refused = List.of(
                Map.of("bootstrap.servers", bootstrap()),
                Map.of("bootstrap.servers", bootstrap(), "tls.ca", dir.resolve("ca.pem").toString()),
                clientConfig(otherCa.issue("CN=app,O=Sluice"), "stranger"));
        for (Map<String, Object> config : refused) {
            Map<String, Object> quick = new HashMap<>(config);
            quick.put("default.api.timeout.ms", 2_000);
            quick.put("request.timeout.ms", 1_000);
            try (Admin admin = Admin.create(quick)) {
                assertThatThrownBy(admin::listTopics).as("%s", config.keySet()).isInstanceOf(SluiceException.class);
            }
        }
    }

    @Test
    void theControllerPortRefusesStrangersAndAnotherClustersRequestLogsItsPrincipal() {
        int port = cluster.controllerPort(1);
        assertThatThrownBy(() -> allocate(ChannelSecurity.PLAINTEXT, port, "tls-test"))
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> allocate(tls(null, "none"), port, "tls-test"))
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> allocate(tls(otherCa.issue("CN=x,O=Sluice"), "other"), port, "tls-test"))
                .isInstanceOf(StatusRuntimeException.class);

        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ClusterIdCheck.class);
        logged.start();
        logger.addAppender(logged);
        try {
            // The cluster's CA signed this certificate, but the request names another cluster.
            AllocateProducerIdsResponse response = allocate(tls(ca.issue("CN=Intruder,O=Sluice"), "intruder"), port,
                    "another-cluster");
            assertThat(response.getError()).isEqualTo(ErrorCode.INCONSISTENT_CLUSTER_ID);
            assertThat(response.getErrorMessage()).contains("belongs to cluster tls-test");
            assertThat(logged.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                    .contains("(principal intruder)"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aNodeOfAnotherClusterWithTheClustersCertificatesCannotJoin() throws IOException {
        ca.issue("CN=Node-4,O=Sluice", "127.0.0.1").write(dir.resolve("node-4.pem"), dir.resolve("node-4-key.pem"));
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.NODE_ID, "4");
        properties.setProperty(NodeConfig.ROLES, "broker");
        properties.setProperty(NodeConfig.DATA_DIR, dir.resolve("data/node-4").toString());
        properties.setProperty(NodeConfig.HOST, "127.0.0.1");
        properties.setProperty(NodeConfig.BROKER_PORT, "0");
        properties.setProperty(NodeConfig.HTTP_PORT, "0");
        properties.setProperty(NodeConfig.CONTROLLER_QUORUM, cluster.controllerQuorum());
        properties.setProperty(NodeConfig.CLUSTER_ID, "another-cluster");
        nodeTls(4).forEach(properties::setProperty);
        try (Node stranger = Node.start(NodeConfig.parse(properties))) {
            assertThat(stranger.awaitReady(Duration.ofSeconds(4))).as("no metadata from another cluster").isFalse();
            assertThat(cluster.node(1).metadataImage().cluster().brokers()).doesNotContainKey(4);
        }
    }

    @Test
    void aRotatedCertificateIsServedToNewConnectionsWhileProducingWithoutARestart() throws Exception {
        Map<String, Object> client = clientConfig(ca.issue("CN=rotation,O=Sluice"), "rotation");
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("rotation", 1, 3)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<String, Object> producerConfig = new HashMap<>(client);
        producerConfig.put("linger.ms", 0);
        Thread producing = new Thread(() -> {
            try (Producer<byte[], byte[]> producer = new Producer<>(producerConfig, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                while (!stop.get()) {
                    producer.send(new ProducerRecord<>("rotation", bytes("x"))).get(30, TimeUnit.SECONDS);
                    acknowledged.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
        producing.start();
        try {
            Awaitility.await().atMost(WAIT).until(() -> acknowledged.get() >= 20 || failure.get() != null);
            BigInteger before = presentedSerial(cluster.brokerPort(1));
            TestCertificates.Issued rotated = ca.issue("CN=Node-1,O=Sluice", "127.0.0.1", "localhost");
            rotated.write(dir.resolve("node-1.pem"), dir.resolve("node-1-key.pem"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> presentedSerial(cluster.brokerPort(1)),
                            rotated.certificate().getSerialNumber()::equals);
            assertThat(presentedSerial(cluster.controllerPort(1))).isEqualTo(rotated.certificate().getSerialNumber());
            assertThat(before).isNotEqualTo(rotated.certificate().getSerialNumber());
            int atRotation = acknowledged.get();
            Awaitility.await().atMost(WAIT).until(() -> acknowledged.get() >= atRotation + 20 || failure.get() != null);
        } finally {
            stop.set(true);
            producing.join(30_000);
        }
        assertThat(failure.get()).isNull();
        try (Admin admin = Admin.create(clientConfig(ca.issue("CN=after,O=Sluice"), "after"))) {
            assertThat(admin.listTopics()).extracting(TopicListing::name).contains("rotation");
        }
    }

    private String bootstrap() {
        return "127.0.0.1:" + cluster.brokerPort(1);
    }

    private Map<String, Object> clientConfig(TestCertificates.Issued identity, String name) {
        Path cert = dir.resolve("client-" + name + ".pem");
        Path key = dir.resolve("client-" + name + "-key.pem");
        identity.write(cert, key);
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap());
        config.put("tls.ca", dir.resolve("ca.pem").toString());
        config.put("tls.cert", cert.toString());
        config.put("tls.key", key.toString());
        return config;
    }

    private ChannelSecurity tls(TestCertificates.Issued identity, String name) {
        if (identity == null) {
            return GrpcTls.channelSecurity(TlsSettings.client(dir.resolve("ca.pem"), null, null), Clock.systemUTC());
        }
        Path cert = dir.resolve("raw-" + name + ".pem");
        Path key = dir.resolve("raw-" + name + "-key.pem");
        identity.write(cert, key);
        return GrpcTls.channelSecurity(TlsSettings.client(dir.resolve("ca.pem"), cert, key), Clock.systemUTC());
    }

    private AllocateProducerIdsResponse allocate(ChannelSecurity security, int port, String clusterId) {
        ManagedChannel channel = security.open("127.0.0.1", port);
        try {
            return ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .allocateProducerIds(AllocateProducerIdsRequest.newBuilder().setBrokerId(9).setCount(1)
                            .setSender(SenderIdentity.newBuilder().setClusterId(clusterId)).build());
        } finally {
            channel.shutdownNow();
        }
    }

    /** The serial number of the certificate the port presents to a new connection (a JDK handshake, no gRPC). */
    private BigInteger presentedSerial(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        clientConfig(ca.issue("CN=probe,O=Sluice"), "probe");
        context.init(new KeyManager[] {new ReloadingIdentity(dir.resolve("client-probe.pem"),
                dir.resolve("client-probe-key.pem"), Clock.systemUTC(), 0)},
                new TrustManager[] {new ReloadingTrust(dir.resolve("ca.pem"), Clock.systemUTC(), 0)}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
