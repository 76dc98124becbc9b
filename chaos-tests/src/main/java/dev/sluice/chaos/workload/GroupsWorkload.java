package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerGroupMetadata;
import dev.sluice.client.ConsumerRebalanceListener;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerRecords;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Three consumers in one group on the append topic, each on its own thread ({@code consumer-<n>}): they record every
 * rebalance ({@code assign}/{@code revoke}/{@code lost}), every non-empty {@code poll}, and commit synchronously after
 * each poll ({@code commit}). Now and then one consumer leaves (closed) and a new one joins. After the load phase they
 * keep consuming until the group's committed offsets reach the end of every partition.
 */
public final class GroupsWorkload implements Workload {
    static final String GROUP = "chaos-group";
    private static final int CONSUMERS = 3;

    private final WorkloadContext context;
    private final AtomicInteger nextProcess = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean churn = true;

    public GroupsWorkload(WorkloadContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "groups";
    }

    @Override
    public void start() {
        for (int i = 0; i < CONSUMERS; i++) {
            startConsumer();
        }
    }

    private synchronized void startConsumer() {
        String process = "consumer-" + nextProcess.getAndIncrement();
        RandomGenerator random = context.split();
        Thread thread = new Thread(() -> consume(process, random), "chaos-" + process);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void consume(String process, RandomGenerator random) {
        Map<String, Object> config = context.sluiceConfig(WorkloadPrincipals.GROUPS, Map.of("bootstrap.servers",
                context.bootstrapServers(), "group.id", GROUP, "enable.auto.commit", false, "auto.offset.reset",
                "earliest", "max.poll.records", 200, "session.timeout.ms", 10_000, "request.timeout.ms", 10_000,
                "default.api.timeout.ms", 20_000, "client.id", process));
        // Leave after 20-60 s of consuming, while the load lasts; a replacement joins at once.
        long leaveAtNanos = System.nanoTime() + Duration.ofSeconds(20 + random.nextInt(41)).toNanos();
        boolean replaced = false;
        try (Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(context.appendTopic()), new Listener(process, consumer));
            while (running) {
                pollAndCommit(process, consumer);
                if (churn && System.nanoTime() > leaveAtNanos) {
                    replaced = true;
                    break;
                }
            }
        } catch (RuntimeException e) {
            // A close that fails during a fault; the member's session simply expires.
        }
        if (replaced && running) {
            startConsumer();
        }
    }

    private void pollAndCommit(String process, Consumer<String, String> consumer) {
        ConsumerRecords<String, String> records;
        try {
            records = consumer.poll(Duration.ofMillis(500));
        } catch (RuntimeException e) {
            AppendWorkload.sleep(200);
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        ConsumerGroupMetadata group = consumer.groupMetadata();
        List<Map<String, Object>> polled = new ArrayList<>();
        Map<String, Object> offsets = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            polled.add(Map.of("partition", record.partition(), "offset", record.offset(), "value", record.value()));
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            commit.put(tp, new OffsetAndMetadata(record.offset() + 1, ""));
            offsets.put(record.topic() + "-" + record.partition(), record.offset() + 1);
        }
        context.history().append(process, OpType.OK, OpFunctions.POLL, Map.of("member", group.memberId(),
                "generation", group.generationId(), "records", polled), null);
        Map<String, Object> invoke = Map.of("member", group.memberId(), "generation", group.generationId(),
                "offsets", offsets);
        context.history().append(process, OpType.INVOKE, OpFunctions.COMMIT, invoke, null);
        try {
            consumer.commitSync(commit);
            context.history().append(process, OpType.OK, OpFunctions.COMMIT, invoke, null);
        } catch (RuntimeException e) {
            context.history().append(process, OpType.INFO, OpFunctions.COMMIT, invoke, Errors.describe(e));
        }
    }

    /** Records rebalances; runs on the consumer's thread inside poll. */
    private final class Listener implements ConsumerRebalanceListener {
        private final String process;
        private final Consumer<String, String> consumer;

        Listener(String process, Consumer<String, String> consumer) {
            this.process = process;
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            record(OpFunctions.REVOKE, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            record(OpFunctions.ASSIGN, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            record(OpFunctions.LOST, partitions);
        }

        private void record(String f, Collection<TopicPartition> partitions) {
            ConsumerGroupMetadata group = consumer.groupMetadata();
            List<String> names = partitions.stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
            context.history().append(process, OpType.OK, f, Map.of("member", group.memberId(),
                    "generation", group.generationId(), "partitions", names), null);
        }
    }

    @Override
    public void stopLoad() {
        churn = false;
    }

    @Override
    public String finish(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = context.admin(WorkloadPrincipals.GROUPS, 10_000)) {
            while (System.nanoTime() < deadline) {
                if (caughtUp(admin)) {
                    return null;
                }
                AppendWorkload.sleep(1_000);
            }
        }
        return "groups: consumers did not catch up within " + timeout.toSeconds() + " s";
    }

    private boolean caughtUp(Admin admin) {
        try {
            Map<TopicPartition, Long> latest = new HashMap<>();
            for (int p = 0; p < context.appendPartitions(); p++) {
                latest.put(new TopicPartition(context.appendTopic(), p), -1L);
            }
            Map<TopicPartition, Long> ends = admin.listOffsets(latest);
            Map<TopicPartition, Long> committed = admin.describeGroup(GROUP).committed();
            return ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(threads);
        }
        for (Thread thread : all) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
