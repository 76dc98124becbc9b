package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicExistsException;
import dev.sluice.client.UnknownTopicException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Several admin clients ({@code admin-<n>}) doing concurrent create/delete/alter(retention.ms)/describe on a few topic
 * names so that operations collide. Definite answers (exists, unknown) are {@code fail}; other errors of a write are
 * {@code info}; a describe that errors is {@code fail} (a read changes nothing).
 */
public final class MetadataWorkload implements Workload {
    private static final int CLIENTS = 3;
    private static final int TOPICS = 5;
    private static final String RETENTION = "retention.ms";
    /** Every topic this workload touches starts with it (its principal's ACLs are granted by this prefix). */
    static final String TOPIC_PREFIX = "chaos-meta-";

    private final WorkloadContext context;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public MetadataWorkload(WorkloadContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public void start() {
        for (int i = 0; i < CLIENTS; i++) {
            String process = "admin-" + i;
            RandomGenerator random = context.split();
            Thread thread = new Thread(() -> run(process, random), "chaos-" + process);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run(String process, RandomGenerator random) {
        try (Admin admin = context.admin(WorkloadPrincipals.METADATA, 15_000)) {
            while (running) {
                String topic = TOPIC_PREFIX + random.nextInt(TOPICS);
                switch (random.nextInt(4)) {
                    case 0 -> create(admin, process, topic);
                    case 1 -> delete(admin, process, topic);
                    case 2 -> alter(admin, process, topic, 60_000L * (1 + random.nextInt(1000)));
                    default -> describe(admin, process, topic);
                }
                AppendWorkload.sleep(100 + random.nextInt(200));
            }
        }
    }

    private void create(Admin admin, String process, String topic) {
        Map<String, Object> invoke = Map.of("topic", topic, "partitions", 1);
        write(process, OpFunctions.CREATE, invoke, () -> admin.createTopics(List.of(new NewTopic(topic, 1, 3))));
    }

    private void delete(Admin admin, String process, String topic) {
        write(process, OpFunctions.DELETE, Map.of("topic", topic), () -> admin.deleteTopics(List.of(topic)));
    }

    private void alter(Admin admin, String process, String topic, long retentionMs) {
        write(process, OpFunctions.ALTER, Map.of("topic", topic, "retention_ms", retentionMs),
                () -> admin.alterConfigs(topic, Map.of(RETENTION, Long.toString(retentionMs)), List.of()));
    }

    private void write(String process, String f, Map<String, Object> invoke, Runnable call) {
        context.history().append(process, OpType.INVOKE, f, invoke, null);
        try {
            call.run();
            context.history().append(process, OpType.OK, f, invoke, null);
        } catch (TopicExistsException e) {
            context.history().append(process, OpType.FAIL, f, invoke, OpFunctions.ERROR_EXISTS);
        } catch (UnknownTopicException e) {
            context.history().append(process, OpType.FAIL, f, invoke, OpFunctions.ERROR_UNKNOWN);
        } catch (RuntimeException e) {
            OpType type = Errors.definiteMetadataFailure(e) ? OpType.FAIL : OpType.INFO;
            context.history().append(process, type, f, invoke, Errors.describe(e));
        }
    }

    private void describe(Admin admin, String process, String topic) {
        Map<String, Object> invoke = Map.of("topic", topic);
        context.history().append(process, OpType.INVOKE, OpFunctions.DESCRIBE, invoke, null);
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).get(topic);
            Map<String, Object> ok = new LinkedHashMap<>(invoke);
            ok.put("exists", true);
            String retention = description.configs().get(RETENTION);
            ok.put("retention_ms", retention == null ? -2L : Long.parseLong(retention));
            context.history().append(process, OpType.OK, OpFunctions.DESCRIBE, ok, null);
        } catch (UnknownTopicException e) {
            Map<String, Object> ok = new LinkedHashMap<>(invoke);
            ok.put("exists", false);
            context.history().append(process, OpType.OK, OpFunctions.DESCRIBE, ok, null);
        } catch (RuntimeException e) {
            context.history().append(process, OpType.FAIL, OpFunctions.DESCRIBE, invoke, Errors.describe(e));
        }
    }

    @Override
    public void stopLoad() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String finish(Duration timeout) {
        return null;
    }

    @Override
    public void close() {
        running = false;
    }
}
