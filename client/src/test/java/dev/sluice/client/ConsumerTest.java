package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.fake.FakeBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsumerTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);
    private static final TopicPartition TP1 = new TopicPartition("t", 1);
    private FakeBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
        broker.createTopic("t", 2);
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("batch.size", 200);
        try (Producer<String, String> producer = new Producer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("t", 0, "k" + i, "a" + i));
                producer.send(new ProducerRecord<>("t", 1, "k" + i, "b" + i));
            }
        }
        assertThat(broker.log("t", 0).batches().size()).isGreaterThan(1);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private Consumer<String, String> consumer(Object... overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("fetch.max.wait.ms", 20);
        for (int i = 0; i < overrides.length; i += 2) {
            config.put((String) overrides[i], overrides[i + 1]);
        }
        return new Consumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static List<String> pollValues(Consumer<String, String> consumer, int count) {
        List<String> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (all.size() < count && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(50)).forEach(r -> all.add(r.value()));
        }
        return all;
    }

    @Test
    void subscribeReadsEveryPartitionFromEarliest() {
        try (Consumer<String, String> consumer = consumer("auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("t"));
            List<String> values = pollValues(consumer, 200);
            assertThat(values).hasSize(200);
            assertThat(values.stream().filter(v -> v.startsWith("a")).toList())
                    .containsExactlyElementsOf(range("a", 0, 100));
            assertThat(consumer.assignment()).containsExactlyInAnyOrder(TP0, TP1);
        }
    }

    /** A listener that appends "revoked [..]", "assigned [..]" and "lost [..]" to {@code events}. */
    private static ConsumerRebalanceListener recording(List<String> events) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                events.add("revoked " + partitions);
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                events.add("assigned " + partitions);
            }

            @Override
            public void onPartitionsLost(java.util.Collection<TopicPartition> partitions) {
                events.add("lost " + partitions);
            }
        };
    }

    /**
     * Chaos run 14: a consumer whose commit before revoking was refused (the coordinator no longer knew it) went on
     * to apply the new assignment, and for a moment owned a partition another member owned. Such an assignment is
     * from a membership that is over: everything owned is lost instead, and nothing is assigned from it.
     */
    @Test
    void anAssignmentIsNotAppliedOnceTheCommitBeforeRevokingSaysTheMembershipIsGone() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConsumerRebalanceListener listener = recording(events);
        try (Consumer<String, String> consumer = consumer("group.id", "g", "auto.offset.reset", "earliest")) {
            consumer.subscribe(List.of("t"), listener);
            assertThat(pollValues(consumer, 200)).hasSize(200);
            assertThat(consumer.assignment()).containsExactlyInAnyOrder(TP0, TP1);
            broker.moveAssignmentAfterForgettingTheMember(1);
            long deadline = System.currentTimeMillis() + 10_000;
            while (events.stream().noneMatch(e -> e.startsWith("lost")) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(50));
            }
            // The rejoined membership may be assigned t-1 in the same poll, after the loss.
            int lost = events.indexOf(events.stream().filter(e -> e.startsWith("lost")).findFirst().orElse(""));
            assertThat(lost).as("the loss").isNotNegative();
            assertThat(events.get(lost)).contains("t-0").contains("t-1");
            assertThat(events.subList(0, lost)).as("nothing assigned from the stale assignment")
                    .noneMatch(e -> e.equals("assigned [t-1]"));
        }
    }

    /**
     * Found by chaos run 22: a consumer committing by hand had a commit refused because the coordinator no longer
     * knew the member, and its next poll still applied the assignment a heartbeat had brought from that membership,
     * taking a partition another member owned. The refusal ends the membership: everything owned is lost, and
     * nothing is revoked or assigned from the stale assignment.
     */
    @Test
    void aManualCommitRefusedForAnUnknownMemberEndsTheMembershipBeforeItsAssignmentIsApplied() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConsumerRebalanceListener listener = recording(events);
        try (Consumer<String, String> consumer = consumer("group.id", "g", "auto.offset.reset", "earliest",
                "enable.auto.commit", false)) {
            consumer.subscribe(List.of("t"), listener);
            assertThat(pollValues(consumer, 200)).hasSize(200);
            assertThat(consumer.assignment()).containsExactlyInAnyOrder(TP0, TP1);
            events.clear();
            broker.moveAssignmentAfterForgettingTheMember(1);

            assertThatThrownBy(consumer::commitSync).isInstanceOf(SluiceException.class);
            long deadline = System.currentTimeMillis() + 10_000;
            while (events.stream().noneMatch(e -> e.startsWith("lost")) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(50));
            }

            assertThat(events).first().satisfies(first -> assertThat(first).startsWith("lost").contains("t-0")
                    .contains("t-1"));
            // The rejoined membership may be assigned t-1 after the loss; the stale one would revoke both first.
            assertThat(events).as("nothing revoked for the stale assignment").noneMatch(e -> e.startsWith("revoked"));
        }
    }

    @Test
    void maxPollRecordsBoundsEachPoll() {
        try (Consumer<String, String> consumer = consumer("auto.offset.reset", "earliest", "max.poll.records", 7)) {
            consumer.assign(List.of(TP0));
            int total = 0;
            long deadline = System.currentTimeMillis() + 10_000;
            while (total < 100 && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(50));
                assertThat(records.count()).isLessThanOrEqualTo(7);
                total += records.count();
            }
            assertThat(total).isEqualTo(100);
        }
    }

    @Test
    void seekIntoTheMiddleOfABatchSkipsEarlierRecords() {
        try (Consumer<String, String> consumer = consumer("auto.offset.reset", "earliest")) {
            consumer.assign(List.of(TP0));
            consumer.seek(TP0, 37);
            assertThat(pollValues(consumer, 63)).containsExactlyElementsOf(range("a", 37, 100));
            consumer.seekToBeginning(List.of(TP0));
            assertThat(pollValues(consumer, 100).get(0)).isEqualTo("a0");
            consumer.seekToEnd(List.of(TP0));
            assertThat(consumer.position(TP0)).isEqualTo(100);
        }
    }

    @Test
    void latestResetStartsAtTheEnd() throws Exception {
        try (Consumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(TP1));
            assertThat(consumer.poll(Duration.ofMillis(100)).count()).isZero();
            assertThat(consumer.position(TP1)).isEqualTo(100);
            Map<String, Object> config = Map.of("bootstrap.servers", broker.address(), "linger.ms", 0);
            try (Producer<String, String> producer = new Producer<>(config, new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("t", 1, null, "new")).get();
            }
            assertThat(pollValues(consumer, 1)).containsExactly("new");
        }
    }

    @Test
    void noneResetThrowsWithoutAPosition() {
        try (Consumer<String, String> consumer = consumer("auto.offset.reset", "none")) {
            consumer.assign(List.of(TP0));
            assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(100)))
                    .isInstanceOf(OffsetOutOfRangeException.class).hasMessageContaining("t-0");
            consumer.seek(TP0, 98);
            assertThat(pollValues(consumer, 2)).containsExactly("a98", "a99");
        }
    }

    @Test
    void outOfRangePositionResetsPerPolicy() {
        broker.log("t", 0).truncateBefore(60);
        long logStart = broker.log("t", 0).logStartOffset();
        try (Consumer<String, String> consumer = consumer("auto.offset.reset", "earliest")) {
            consumer.assign(List.of(TP0));
            consumer.seek(TP0, 5);
            List<String> values = pollValues(consumer, (int) (100 - logStart));
            assertThat(values.get(0)).isEqualTo("a" + logStart);
        }
    }

    @Test
    void groupCommitsAndRestartsFromCommittedOffsets() {
        try (Consumer<String, String> consumer = consumer("group.id", "g", "auto.offset.reset", "earliest",
                "max.poll.records", 30, "enable.auto.commit", false)) {
            consumer.assign(List.of(TP0));
            assertThat(consumer.committed(Set.of(TP0))).containsEntry(TP0, null);
            assertThat(pollValues(consumer, 30)).hasSize(30);
            consumer.commitSync();
            assertThat(consumer.committed(Set.of(TP0)).get(TP0).offset()).isEqualTo(30);
            consumer.commitSync(Map.of(TP0, new OffsetAndMetadata(40, "meta")));
            assertThat(consumer.committed(Set.of(TP0)).get(TP0)).isEqualTo(new OffsetAndMetadata(40, "meta"));
        }
        try (Consumer<String, String> consumer = consumer("group.id", "g", "auto.offset.reset", "earliest")) {
            consumer.assign(List.of(TP0));
            assertThat(pollValues(consumer, 60)).containsExactlyElementsOf(range("a", 40, 100));
        }
        assertThat(broker.committedOffsets()).containsEntry("g/t/0", 100L);
    }

    @Test
    void aSyncCommitLandsAfterAnEarlierAsyncCommitStillInFlight() {
        try (Consumer<String, String> consumer = consumer("group.id", "g", "auto.offset.reset", "earliest",
                "max.poll.records", 30, "enable.auto.commit", false)) {
            consumer.assign(List.of(TP0));
            assertThat(pollValues(consumer, 30)).hasSize(30);
            broker.delayNextCommit(300);
            consumer.commitAsync();
            consumer.commitSync(Map.of(TP0, new OffsetAndMetadata(40)));
            // Sent from the calling thread, the sync commit would land first and the slow async one (30) after it.
            assertThat(broker.committedOffsets()).containsEntry("g/t/0", 40L);
        }
        assertThat(broker.committedOffsets()).containsEntry("g/t/0", 40L);
    }

    @Test
    void commitWithoutGroupAndPollWithoutAssignmentAreErrors() {
        try (Consumer<String, String> consumer = consumer()) {
            assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(consumer::commitSync).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("group.id");
            assertThatThrownBy(() -> consumer.partitionsFor("missing")).isInstanceOf(UnknownTopicException.class);
        }
    }

    @Test
    void wakeupInterruptsABlockedPoll() throws Exception {
        try (Consumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(TP0));
            consumer.poll(Duration.ofMillis(50));
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ignored) {
                    return;
                }
                consumer.wakeup();
            });
            waker.start();
            long start = System.nanoTime();
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30))).isInstanceOf(WakeupException.class);
            // Woken, not timed out: well under the 30 s poll, with room for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            waker.join();
        }
    }

    private static List<String> range(String prefix, int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(prefix + i);
        }
        return values;
    }
}
