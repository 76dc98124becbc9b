package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka's classic consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) with the Apache Java consumer's
 * {@code subscribe()} against a real Sluice node: members split the partitions, a leaving member's partitions move
 * to the one left, which resumes from the committed offsets; Admin lists and describes the group; a group with
 * Sluice members refuses a classic member.
 */
class KafkaClassicGroupsTest {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void twoMembersSplitThePartitionsAndTheOneLeftResumesFromCommittedOffsets() throws Exception {
        String topic = "classic-split";
        String group = "classic-split-group";
        createTopic(topic, 4);
        produce(topic, 4, 0, 50);
        Map<TopicPartition, Set<Long>> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> first = consumer(group); KafkaConsumer<byte[], byte[]> second =
                consumer(group)) {
            first.subscribe(List.of(topic));
            second.subscribe(List.of(topic));
            pollBoth(first, second, seen, () -> first.assignment().size() == 2 && second.assignment().size() == 2
                    && count(seen) == 200);
            Set<TopicPartition> union = new HashSet<>(first.assignment());
            union.addAll(second.assignment());
            assertThat(union).hasSize(4);
            first.commitSync();
            second.commitSync();

            second.close();
            pollBoth(first, null, seen, () -> first.assignment().size() == 4);
            try (Admin admin = admin()) {
                assertListedAndDescribed(admin, group, first.groupMetadata().memberId());
            }
            produce(topic, 4, 50, 10);
            Map<TopicPartition, Set<Long>> later = new HashMap<>();
            pollBoth(first, null, later, () -> count(later) == 40);
            // The partitions that moved restart at the offsets their former owner committed: nothing below 50 again.
            later.values().forEach(offsets -> assertThat(offsets).allSatisfy(o -> assertThat(o).isBetween(50L, 59L)));
            first.commitSync();
        }
        try (KafkaConsumer<byte[], byte[]> reader = consumer(group)) {
            Set<TopicPartition> partitions = new HashSet<>();
            for (int p = 0; p < 4; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = reader.committed(partitions);
            assertThat(committed.values()).allSatisfy(c -> assertThat(c.offset()).isEqualTo(60));
        }
    }

    private static void assertListedAndDescribed(Admin admin, String group, String memberId) throws Exception {
        List<GroupListing> listed = new ArrayList<>(admin.listGroups().all().get());
        assertThat(listed).filteredOn(g -> g.groupId().equals(group)).singleElement().satisfies(g -> {
            assertThat(g.type()).contains(GroupType.CLASSIC);
            assertThat(g.protocol()).isEqualTo("consumer");
            assertThat(g.groupState()).contains(GroupState.STABLE);
        });
        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.type()).isEqualTo(GroupType.CLASSIC);
        assertThat(described.members()).singleElement().satisfies(member -> {
            assertThat(member.consumerId()).isEqualTo(memberId);
            assertThat(member.assignment().topicPartitions()).hasSize(4);
        });
    }

    @Test
    void aClassicMemberCannotJoinAGroupWithSluiceMembers() throws Exception {
        String topic = "classic-mixed";
        String group = "classic-mixed-group";
        createTopic(topic, 2);
        try (dev.sluice.client.Consumer<byte[], byte[]> sluice = new dev.sluice.client.Consumer<>(
                Map.of("bootstrap.servers", node.grpcBootstrap(), "group.id", group),
                new dev.sluice.client.ByteArrayDeserializer(),
                new dev.sluice.client.ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> kafka = consumer(group)) {
            sluice.subscribe(List.of(topic));
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (sluice.assignment().isEmpty() && System.nanoTime() < deadline) {
                sluice.poll(Duration.ofMillis(100));
            }
            assertThat(sluice.assignment()).hasSize(2);
            kafka.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                long until = System.nanoTime() + LIMIT.toNanos();
                while (System.nanoTime() < until) {
                    kafka.poll(Duration.ofMillis(100));
                }
            }).isInstanceOf(InconsistentGroupProtocolException.class);
        }
    }

    /** Polls both consumers (the second may be null) until {@code done}, recording every offset received. */
    private static void pollBoth(KafkaConsumer<byte[], byte[]> first, KafkaConsumer<byte[], byte[]> second,
                                 Map<TopicPartition, Set<Long>> seen, BooleanSupplier done) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in time; seen %d records", count(seen))
                    .isLessThan(deadline);
            for (KafkaConsumer<byte[], byte[]> consumer : second == null ? List.of(first) : List.of(first, second)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    seen.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            p -> new HashSet<>()).add(record.offset());
                }
            }
        }
    }

    private static int count(Map<TopicPartition, Set<Long>> seen) {
        return seen.values().stream().mapToInt(Set::size).sum();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String group) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** {@code perPartition} records into each partition, values numbered from {@code from}. */
    private static void produce(String topic, int partitions, int from, int perPartition) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = from; i < from + perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, ("v" + i).getBytes()));
                }
            }
            producer.flush();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()));
    }
}
