package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRebalanceListener;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerTestAccess;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three consumers of one group on a 6-partition topic against a real node while one leaves, one joins and one
 * crashes (its session times out): every record is processed at least once, the listeners' event log never shows a
 * partition with two owners (in real time, or within one generation), and with cooperative-sticky only partitions
 * that move are revoked.
 */
class ConsumerGroupTest {
    private static final int PARTITIONS = 6;

    @TempDir
    static Path dataDir;
    static Node node;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir);
        admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        node.close();
    }

    /** One listener event, in the global order the test observed. */
    record Event(String member, String kind, int generation, Set<TopicPartition> partitions) {
    }

    /** A consumer on its own thread that records what it processes and commits after every batch. */
    final class Member implements AutoCloseable {
        final String name;
        final Consumer<String, String> consumer;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean crash = new AtomicBoolean();
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final Thread thread;

        Member(String name, String group, String assignor) {
            this.name = name;
            Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                    "group.id", group, "client.id", name, "auto.offset.reset", "earliest",
                    "enable.auto.commit", false, "partition.assignment.strategy", assignor,
                    "session.timeout.ms", 3000, "heartbeat.interval.ms", 200));
            consumer = new Consumer<>(config, new StringDeserializer(), new StringDeserializer());
            thread = new Thread(this::run, name);
        }

        Member startConsuming(String topic) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    consumer.commitSync();  // the positions of what was processed, before giving it up
                    owned.removeAll(partitions);
                    log(new Event(name, "revoked", consumer.groupMetadata().generationId(), Set.copyOf(partitions)));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.addAll(partitions);
                    log(new Event(name, "assigned", consumer.groupMetadata().generationId(), Set.copyOf(partitions)));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    owned.removeAll(partitions);
                    log(new Event(name, "lost", consumer.groupMetadata().generationId(), Set.copyOf(partitions)));
                }
            });
            thread.start();
            return this;
        }

        private void run() {
            while (!stop.get()) {
                if (crash.get()) {
                    log(new Event(name, "crashed", consumer.groupMetadata().generationId(), Set.copyOf(owned)));
                    owned.clear();
                    ConsumerTestAccess.abandon(consumer);
                    return;
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    processed.add(record.partition() + ":" + record.offset());
                }
                consumer.commitSync();
            }
            consumer.close();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }

        void crash() throws InterruptedException {
            crash.set(true);
            thread.join(30_000);
        }
    }

    final List<Event> events = new ArrayList<>();
    final Set<String> processed = ConcurrentHashMap.newKeySet();

    synchronized void log(Event event) {
        synchronized (events) {
            events.add(event);
        }
    }

    private void produce(String topic, int from, int count) throws Exception {
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", node.bootstrapServers(),
                "acks", "all", "linger.ms", 2), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static void awaitBalanced(List<Member> members) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<TopicPartition> union = new HashSet<>();
            int total = 0;
            for (Member m : members) {
                union.addAll(m.owned);
                total += m.owned.size();
                assertThat(m.owned.size()).isBetween(PARTITIONS / members.size(),
                        (PARTITIONS + members.size() - 1) / members.size());
            }
            assertThat(union).hasSize(PARTITIONS);
            assertThat(total).isEqualTo(PARTITIONS);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "cooperative-sticky"})
    void membersLeaveJoinAndCrashWithoutDoubleOwnershipOrLostRecords(String assignor) throws Exception {
        String topic = "groups-" + assignor;
        String group = "g-" + assignor;
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1, Map.of())));
        produce(topic, 0, 3000);
        Member a = new Member("a", group, assignor).startConsuming(topic);
        Member b = new Member("b", group, assignor).startConsuming(topic);
        Member c = new Member("c", group, assignor).startConsuming(topic);
        awaitBalanced(List.of(a, b, c));
        a.close();
        awaitBalanced(List.of(b, c));
        produce(topic, 3000, 1000);
        Member d = new Member("d", group, assignor).startConsuming(topic);
        awaitBalanced(List.of(b, c, d));
        b.crash();
        produce(topic, 4000, 1000);
        awaitBalanced(List.of(c, d));
        long total = admin.describeTopics(List.of(topic)).get(topic).partitions().stream()
                .mapToLong(p -> p.highWatermark()).sum();
        await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == total);
        c.close();
        d.close();
        assertThat(total).isEqualTo(5000);
        List<Event> log;
        synchronized (events) {
            log = List.copyOf(events);
        }
        assertNoTwoOwners(log);
        if (assignor.equals("cooperative-sticky")) {
            assertOnlyMovedPartitionsRevoked(log);
        }
    }

    /** Replays the log: an assignment never finds another owner; owners' generation ranges never overlap. */
    private static void assertNoTwoOwners(List<Event> log) {
        Map<TopicPartition, String> owner = new HashMap<>();
        Map<TopicPartition, Integer> since = new HashMap<>();
        Map<TopicPartition, List<Object[]>> ranges = new HashMap<>();
        for (Event event : log) {
            for (TopicPartition tp : event.partitions()) {
                if (event.kind().equals("assigned")) {
                    assertThat(owner.get(tp)).as("%s given to %s while owned: %s", tp, event.member(), log).isNull();
                    owner.put(tp, event.member());
                    since.put(tp, event.generation());
                } else if (event.member().equals(owner.get(tp))) {
                    owner.remove(tp);
                    ranges.computeIfAbsent(tp, p -> new ArrayList<>())
                            .add(new Object[] {event.member(), since.get(tp), event.generation()});
                }
            }
        }
        ranges.forEach((tp, list) -> {
            for (int i = 1; i < list.size(); i++) {
                if (!list.get(i)[0].equals(list.get(i - 1)[0])) { // an eager member may take back what it gave up
                    assertThat((int) list.get(i)[1]).as("generations of %s's owners overlap: %s", tp, log)
                            .isGreaterThan((int) list.get(i - 1)[2]);
                }
            }
        });
    }

    /** Every revoked partition went to another member next. */
    private static void assertOnlyMovedPartitionsRevoked(List<Event> log) {
        for (int i = 0; i < log.size(); i++) {
            Event event = log.get(i);
            if (!event.kind().equals("revoked")) {
                continue;
            }
            for (TopicPartition tp : event.partitions()) {
                for (int j = i + 1; j < log.size(); j++) {
                    Event next = log.get(j);
                    if (next.kind().equals("assigned") && next.partitions().contains(tp)) {
                        assertThat(next.member()).as("%s revoked from and given back to %s", tp, event.member())
                                .isNotEqualTo(event.member());
                        break;
                    }
                }
            }
        }
    }
}
