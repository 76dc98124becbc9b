package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The load of {@link RollingRestartIT}, each part on its own thread: an {@code acks=all} idempotent producer sending
 * sequence numbers (record i has value "i"), paced by a flush every 20 records; a consumer group member reading from
 * the earliest offset and committing as it goes; and a watcher describing the topic and {@code __consumer_offsets}
 * every 100 ms, noting any partition without a leader. {@link #finish} stops the producer, lets the consumer read to
 * the end, commits, and returns what each part saw.
 */
final class RollingWorkload implements AutoCloseable {
    private static final String GROUP = "rolling-readers";

    /** Record {@code sequence} was acknowledged at {@code offset} of {@code partition}. */
    record Acked(long sequence, int partition, long offset) {
    }

    private final String topic;
    private final long startNanos = System.nanoTime();
    private final Queue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sendFailures = new AtomicInteger();
    private final Map<Integer, ConcurrentSkipListMap<Long, String>> consumed = new ConcurrentHashMap<>();
    private final Queue<String> redeliveryConflicts = new ConcurrentLinkedQueue<>();
    private final AtomicInteger redelivered = new AtomicInteger();
    private final AtomicInteger failedCommits = new AtomicInteger();
    private final Set<String> offline = ConcurrentHashMap.newKeySet();
    private final AtomicInteger metadataPolls = new AtomicInteger();
    private final AtomicInteger metadataErrors = new AtomicInteger();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final AtomicBoolean finalCommit = new AtomicBoolean();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Each partition's end once the producer stopped; set by {@link #finish}, read by the consumer thread. */
    private volatile Map<TopicPartition, Long> ends;
    private final List<Thread> threads = new ArrayList<>();

    private RollingWorkload(String topic) {
        this.topic = topic;
    }

    static RollingWorkload start(String brokers, String topic) {
        RollingWorkload workload = new RollingWorkload(topic);
        workload.spawn("rolling-producer", () -> workload.produce(brokers));
        workload.spawn("rolling-consumer", () -> workload.consume(brokers));
        workload.spawn("rolling-watcher", () -> workload.watch(brokers));
        return workload;
    }

    private void spawn(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setUncaughtExceptionHandler((dead, error) -> failure.compareAndSet(null, error));
        threads.add(thread);
        thread.start();
    }

    long acknowledged() {
        return acked.size();
    }

    void awaitAcknowledged(long count, Duration timeout) {
        await().atMost(timeout).until(() -> failure.get() != null || acked.size() >= count);
        assertThat(failure.get()).as("workload failure").isNull();
    }

    private void produce(String brokers) {
        try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", brokers, "acks", "all",
                "enable.idempotence", true, "linger.ms", 5, "request.timeout.ms", 5000,
                "delivery.timeout.ms", 120_000), new StringSerializer(), new StringSerializer())) {
            for (long sequence = 0; producing.get(); sequence++) {
                long sent = sequence;
                producer.send(new ProducerRecord<>(topic, "k" + sent, Long.toString(sent)), (metadata, error) -> {
                    if (error == null) {
                        acked.add(new Acked(sent, metadata.partition(), metadata.offset()));
                    } else {
                        sendFailures.incrementAndGet();
                    }
                });
                if (sequence % 20 == 19) {
                    producer.flush();  // paces the load: 20 records per round trip, then a short pause
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            producer.flush();
        }
    }

    private void consume(String brokers) {
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", brokers,
                "group.id", GROUP, "auto.offset.reset", "earliest", "enable.auto.commit", false,
                "heartbeat.interval.ms", 500, "session.timeout.ms", 10_000, "request.timeout.ms", 10_000),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consuming.get() && !reachedEnds(consumer)) {
                boolean any = false;
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    any = true;
                    String before = consumed.computeIfAbsent(record.partition(), p -> new ConcurrentSkipListMap<>())
                            .putIfAbsent(record.offset(), record.value());
                    if (before != null) {
                        redelivered.incrementAndGet();  // after a rebalance the group resumes at its commit
                        if (!before.equals(record.value())) {
                            redeliveryConflicts.add(record.partition() + "@" + record.offset() + ": " + before
                                    + " then " + record.value());
                        }
                    }
                }
                if (any) {
                    consumer.commitAsync((offsets, error) -> {
                        if (error != null) {
                            failedCommits.incrementAndGet();  // expected while the coordinator moves
                        }
                    });
                }
            }
            if (consuming.get()) {
                commitFinally(consumer);
            }
        }
    }

    /**
     * True once {@link #finish} has set the ends and this member holds every partition at its end. Checked on the
     * positions, not on what was read: a rebalance moves positions back to the last commit, and committing then would
     * move the group's offsets back too.
     */
    private boolean reachedEnds(Consumer<String, String> consumer) {
        Map<TopicPartition, Long> targets = ends;
        if (targets == null || !consumer.assignment().containsAll(targets.keySet())) {
            return false;
        }
        try {
            return targets.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
        } catch (RuntimeException e) {
            return false;  // a position being looked up again after a rebalance; the next poll retries
        }
    }

    /**
     * The last commit must succeed once the restarts are over; a few tries ride out a coordinator still settling. It
     * commits the ends this member read up to rather than its positions at the time: a rebalance between reaching
     * the ends and committing moves positions back to the group's last commit (as in Kafka), and committing those
     * would hide what was consumed. {@code commitSync} lands after every asynchronous commit issued before it.
     */
    private void commitFinally(Consumer<String, String> consumer) {
        Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
        ends.forEach((partition, end) -> processed.put(partition, new OffsetAndMetadata(end)));
        // Tries for up to 30 s, polling half a second between tries: a few immediate tries could all land while the
        // offsets partition's new leader is still loading the group, and a member whose membership was lost must
        // poll to rejoin before it may commit (CI runs failed both ways), which is settling, not loss.
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RuntimeException last = null;
        while (!finalCommit.get() && System.nanoTime() < deadlineNanos) {
            try {
                consumer.commitSync(processed);
                Map<TopicPartition, OffsetAndMetadata> served = consumer.committed(processed.keySet());
                served.forEach((partition, offset) -> committed.put(partition, offset.offset()));
                finalCommit.set(true);
            } catch (RuntimeException e) {
                failedCommits.incrementAndGet();
                last = e;
                // A member that lost its membership (its coordinator moved) rejoins only in poll, as an application
                // would; what a poll returns then is re-delivered below the ends and needs nothing.
                try {
                    consumer.poll(Duration.ofMillis(500));
                } catch (RuntimeException pollFailure) {
                    last = pollFailure;
                }
            }
        }
        if (!finalCommit.get() && last != null) {
            System.out.println("RollingWorkload: the final commit failed for 30 s; last error: " + last);
        }
    }

    private void watch(String brokers) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers, "request.timeout.ms", 3000,
                "default.api.timeout.ms", 5000))) {
            while (watching.get()) {
                try {
                    for (TopicDescription described : admin.describeTopics(List.of(topic,
                            GroupCoordinator.OFFSETS_TOPIC)).values()) {
                        for (PartitionDescription partition : described.partitions()) {
                            if (partition.leader() == -1) {
                                offline.add(described.name() + "-" + partition.partition() + " at "
                                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
                            }
                        }
                    }
                    metadataPolls.incrementAndGet();
                } catch (RuntimeException e) {
                    metadataErrors.incrementAndGet();  // the broker asked is restarting; the next poll asks again
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    /**
     * Stops the producer, lets the consumer read (bounded) until it holds every partition at its end, commit and stop,
     * then stops the watcher.
     */
    Result finish(Admin admin, Duration timeout) throws InterruptedException {
        producing.set(false);
        threads.get(0).join(timeout.toMillis());
        Map<TopicPartition, Long> specs = new HashMap<>();
        int partitions = admin.describeTopics(List.of(topic)).get(topic).partitions().size();
        for (int partition = 0; partition < partitions; partition++) {
            specs.put(new TopicPartition(topic, partition), -1L);
        }
        Map<TopicPartition, Long> latest = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        latest.putAll(admin.listOffsets(specs));
        ends = latest;
        threads.get(1).join(timeout.toMillis());
        close();
        return new Result(List.copyOf(acked), sendFailures.get(), Map.copyOf(consumed), latest,
                List.copyOf(redeliveryConflicts), redelivered.get(), failedCommits.get(), finalCommit.get(),
                Map.copyOf(committed), List.copyOf(offline), metadataPolls.get(), metadataErrors.get(),
                failure.get());
    }

    @Override
    public void close() throws InterruptedException {
        producing.set(false);
        consuming.set(false);
        watching.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    /** What the workload saw; {@link #assertNothingAcknowledgedLost} checks the records. */
    record Result(List<Acked> acked, int sendFailures, Map<Integer, ConcurrentSkipListMap<Long, String>> consumed,
                  Map<TopicPartition, Long> ends, List<String> redeliveryConflicts, int redelivered,
                  int failedCommits, boolean finalCommitSucceeded, Map<TopicPartition, Long> committed,
                  List<String> offline, int metadataPolls, int metadataErrors, Throwable failure) {

        /**
         * Every acknowledged record was consumed at the offset it was acknowledged at; per partition, acknowledged
         * records sit in the order they were sent; every offset up to the end was consumed, no value twice; a record
         * re-delivered after a rebalance had the same value; the group's final commit is each partition's end.
         */
        void assertNothingAcknowledgedLost() {
            assertThat(failure).as("workload thread failure").isNull();
            assertThat(redeliveryConflicts).as("offsets re-delivered with another value").isEmpty();
            Map<Integer, List<Acked>> byPartition = new TreeMap<>();
            for (Acked record : acked) {
                byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record);
                String value = consumed.getOrDefault(record.partition(), new ConcurrentSkipListMap<>())
                        .get(record.offset());
                assertThat(value).as("acknowledged record %d at %d@%d", record.sequence(), record.partition(),
                        record.offset()).isEqualTo(Long.toString(record.sequence()));
            }
            byPartition.forEach((partition, records) -> {
                records.sort(Comparator.comparingLong(Acked::offset));
                for (int i = 1; i < records.size(); i++) {
                    assertThat(records.get(i).sequence()).as("partition %d: send order at offset %d", partition,
                            records.get(i).offset()).isGreaterThan(records.get(i - 1).sequence());
                }
            });
            Set<String> seen = new HashSet<>();
            ends.forEach((partition, end) -> {
                Map<Long, String> read = consumed.getOrDefault(partition.partition(), new ConcurrentSkipListMap<>());
                for (long offset = 0; offset < end; offset++) {
                    String value = read.get(offset);
                    assertThat(value).as("offset %d of %s consumed", offset, partition).isNotNull();
                    assertThat(seen.add(value)).as("value %s written once (idempotent producer)", value).isTrue();
                }
                assertThat(committed.get(partition)).as("final commit of %s", partition).isEqualTo(end);
            });
        }

        @Override
        public String toString() {
            long consumedCount = consumed.values().stream().mapToLong(Map::size).sum();
            return "acknowledged " + acked.size() + ", send failures " + sendFailures + ", consumed " + consumedCount
                    + " (re-delivered " + redelivered + "), ends " + ends + ", failed commits " + failedCommits
                    + ", metadata polls " + metadataPolls + " (errors " + metadataErrors + "), offline " + offline;
        }
    }
}
