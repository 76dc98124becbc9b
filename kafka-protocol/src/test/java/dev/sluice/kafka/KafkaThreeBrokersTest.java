package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes, each with its own Kafka listener: Metadata names every broker at its own Kafka port, partition
 * leaders spread over them, and Kafka's clients, bootstrapped from one broker only, produce to and fetch from each
 * partition's leader (a broker that does not lead a partition refuses it, so reading everything back proves the
 * routing).
 */
class KafkaThreeBrokersTest {
    @TempDir
    static Path dataDir;
    private static final List<dev.sluice.broker.server.Node> NODES = new ArrayList<>();
    private static final Map<Integer, Integer> KAFKA_PORTS = new HashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        int[][] ports = new int[3][3];
        StringBuilder quorum = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ports[i][j] = freePort();
            }
            quorum.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(ports[i][1]);
        }
        List<CompletableFuture<dev.sluice.broker.server.Node>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Properties properties = new Properties();
            properties.setProperty(NodeConfig.NODE_ID, String.valueOf(i + 1));
            properties.setProperty(NodeConfig.DATA_DIR, dataDir.resolve("node-" + (i + 1)).toString());
            properties.setProperty(NodeConfig.HOST, "127.0.0.1");
            properties.setProperty(NodeConfig.BROKER_PORT, String.valueOf(ports[i][0]));
            properties.setProperty(NodeConfig.CONTROLLER_PORT, String.valueOf(ports[i][1]));
            properties.setProperty(NodeConfig.HTTP_PORT, String.valueOf(ports[i][2]));
            properties.setProperty(NodeConfig.CONTROLLER_QUORUM, quorum.toString());
            properties.setProperty(NodeConfig.CLUSTER_ID, "kafka-three");
            properties.setProperty(KafkaListenerConfig.PORT, "0");
            NodeConfig config = NodeConfig.parse(properties);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return dev.sluice.broker.server.Node.start(config, List.of(new KafkaProtocol()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        starting.forEach(future -> NODES.add(future.join()));
        for (dev.sluice.broker.server.Node node : NODES) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        }
        NODES.get(0).metadataImage().cluster().brokers().forEach((id, broker) -> KAFKA_PORTS.put(id,
                broker.kafkaPort()));
    }

    @AfterAll
    static void stopCluster() {
        NODES.forEach(dev.sluice.broker.server.Node::close);
    }

    @Test
    void clientsBootstrappedFromOneBrokerRouteToEveryPartitionLeader() throws Exception {
        assertThat(KAFKA_PORTS).hasSize(3).allSatisfy((id, port) -> assertThat(port).isPositive());
        assertThat(new HashSet<>(KAFKA_PORTS.values())).hasSize(3);
        String bootstrap = "127.0.0.1:" + KAFKA_PORTS.get(1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("spread", 6, (short) 3))).all().get();
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id, Node::port)
                    .containsExactlyInAnyOrderElementsOf(KAFKA_PORTS.entrySet().stream()
                            .map(e -> org.assertj.core.groups.Tuple.tuple(e.getKey(), e.getValue())).toList());
            TopicDescription spread = admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread");
            Set<Integer> leaders = new HashSet<>();
            for (TopicPartitionInfo partition : spread.partitions()) {
                assertThat(partition.leader().port()).isEqualTo(KAFKA_PORTS.get(partition.leader().id()));
                assertThat(partition.replicas()).hasSize(3);
                leaders.add(partition.leader().id());
            }
            assertThat(leaders).as("leaders of 6 partitions over 3 brokers").hasSizeGreaterThan(1);
        }
        Properties producerProperties = new Properties();
        producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        Map<String, String> sent = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties, new StringSerializer(),
                new StringSerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                futures.add(producer.send(new ProducerRecord<>("spread", i % 6, "k" + i, "v" + i)));
            }
            for (int i = 0; i < 600; i++) {
                RecordMetadata metadata = futures.get(i).get();
                sent.put(metadata.partition() + "@" + metadata.offset(), "v" + i);
            }
        }
        Properties consumerProperties = new Properties();
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, String> received = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties,
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                partitions.add(new TopicPartition("spread", p));
            }
            consumer.assign(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> received.put(record.partition() + "@"
                        + record.offset(), new String(record.value().getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8)));
            }
        }
        assertThat(received).isEqualTo(sent);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
