package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.InvalidTopicException;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.SluiceException;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicExistsException;
import dev.sluice.client.TopicListing;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topic administration, bad input, and a node restart that must keep topics, configs and data. */
class AdminAndRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void badTopicRequestsFailWithTypedErrorsAndChangeNothing() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1, Map.of("retention.ms", "60000"))));
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1, Map.of()))))
                    .isInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1, Map.of()))))
                    .isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("too-many-replicas", 1, (short) 3,
                    Map.of())))).isInstanceOf(SluiceException.class).hasMessageContaining("replication");
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1,
                    Map.of("retention.ms", "soon"))))).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("retention.ms");
            assertThatThrownBy(() -> admin.alterConfigs("orders", Map.of("no.such.config", "1"), List.of()))
                    .isInstanceOf(SluiceException.class).hasMessageContaining("no.such.config");
            assertThatThrownBy(() -> admin.deleteTopics(List.of("missing"))).isInstanceOf(SluiceException.class);
            assertThat(admin.listTopics()).extracting(TopicListing::name).containsExactly("orders");
            TopicDescription orders = admin.describeTopics(List.of("orders")).get("orders");
            assertThat(orders.configs()).containsEntry("retention.ms", "60000");
            assertThat(orders.partitions()).hasSize(2);
        }
    }

    @Test
    void topicsConfigsAndDataSurviveARestart() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("durable", 3, (short) 1, Map.of("retention.bytes", "1000000"))));
            admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1, Map.of())));
            admin.deleteTopics(List.of("doomed"));
            produce(node, 0, 500);
        }
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            assertThat(admin.listTopics()).extracting(TopicListing::name).containsExactly("durable");
            assertThat(admin.describeTopics(List.of("durable")).get("durable").configs())
                    .containsEntry("retention.bytes", "1000000");
            produce(node, 500, 1000);
            List<String> values = consumeAll(node, 1000);
            assertThat(values).hasSize(1000).doesNotHaveDuplicates();
            assertThat(values).containsAll(java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "v" + i).toList());
        }
    }

    private static void produce(Node node, int from, int to) {
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("durable", "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static List<String> consumeAll(Node node, int expected) {
        List<String> values = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("durable", 0), new TopicPartition("durable", 1),
                    new TopicPartition("durable", 2)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
