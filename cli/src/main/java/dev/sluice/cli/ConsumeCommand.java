package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerRecords;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import dev.sluice.client.WakeupException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice consume TOPIC}: prints record values (optionally keys) to stdout, one per line, until
 * {@code --max-messages} are printed, {@code --timeout-ms} passes without a record, or Ctrl-C. With
 * {@code --group} it starts at the group's committed offsets and commits exactly what it printed.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, description = "Print records of a topic to stdout.")
public final class ConsumeCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @Mixin
    BrokerOptions brokers;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read.")
    String topic;
    @Option(names = "--from-beginning", description = "Start at the oldest record (when the group has no commit).")
    boolean fromBeginning;
    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after printing N records.")
    Integer maxMessages;
    @Option(names = "--group", paramLabel = "G", description = "Consumer group: resume from and commit offsets.")
    String group;
    @Option(names = "--timeout-ms", paramLabel = "T", description = "Exit when no record arrives for T ms.")
    Long timeoutMs;
    @Option(names = "--print-key", description = "Print KEY<TAB>VALUE.")
    boolean printKey;
    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE",
            description = "A consumer config, e.g. session.timeout.ms=10000 (repeatable).")
    Map<String, String> consumerProperties = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() {
        if (maxMessages != null && maxMessages < 0 || timeoutMs != null && timeoutMs < 0) {
            throw new IllegalArgumentException("--max-messages and --timeout-ms must not be negative");
        }
        try (Admin admin = Admin.create(brokers.clientConfig())) {
            admin.describeTopics(List.of(topic));
        }
        Map<String, Object> config = brokers.clientConfig();
        config.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        config.put("enable.auto.commit", false);
        config.putAll(consumerProperties);
        if (group != null) {
            config.put("group.id", group);
        }
        Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(), new StringDeserializer());
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            consumer.wakeup();
            awaitQuietly(finished);
        }, "sluice-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            consumer.subscribe(List.of(topic));
            consumeLoop(consumer);
        } catch (WakeupException e) {
            // Ctrl-C: leave normally, committing what was printed.
        } finally {
            try {
                consumer.close();
            } finally {
                finished.countDown();
                removeHook(hook);
            }
        }
        return 0;
    }

    private void consumeLoop(Consumer<String, String> consumer) {
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        long lastRecordNs = System.nanoTime();
        while (maxMessages == null || printed < maxMessages) {
            ConsumerRecords<String, String> records = consumer.poll(POLL);
            if (records.isEmpty()) {
                if (timeoutMs == null || System.nanoTime() - lastRecordNs < TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                    continue;
                }
                records = recordsLeftUnread(consumer);
                if (records.isEmpty()) {
                    break;
                }
            }
            lastRecordNs = System.nanoTime();
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (ConsumerRecord<String, String> record : records) {
                if (maxMessages != null && printed >= maxMessages) {
                    break;
                }
                out.println(printKey ? record.key() + "\t" + record.value() : record.value());
                printed++;
                done.put(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1));
            }
            out.flush();
            if (group != null) {
                consumer.commitSync(done);
            }
        }
    }

    /**
     * After {@code --timeout-ms} without a record: if the brokers hold records beyond this consumer's positions, it
     * polls once more (they may just have arrived); records that still cannot be read are an error, not a quiet
     * end. A consumer that silently printed nothing and exited 0 while the partition's leader failed every fetch
     * (a damaged store) hid the failure.
     *
     * @return records that arrived meanwhile, or none when there is nothing left to read
     * @throws IllegalStateException when records exist that could not be read
     */
    private ConsumerRecords<String, String> recordsLeftUnread(Consumer<String, String> consumer) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        List<String> unread = new java.util.ArrayList<>();
        ends.forEach((partition, end) -> {
            long position = consumer.position(partition);
            if (position < end) {
                unread.add(partition.topic() + "-" + partition.partition() + " (position " + position
                        + ", end " + end + ")");
            }
        });
        if (unread.isEmpty()) {
            return ConsumerRecords.empty();
        }
        ConsumerRecords<String, String> late = consumer.poll(Duration.ofMillis(Math.max(1_000, timeoutMs)));
        if (!late.isEmpty()) {
            return late;
        }
        throw new IllegalStateException("no record could be read for " + timeoutMs + " ms although the brokers "
                + "hold more: " + String.join(", ", unread) + "; check the brokers' logs");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (Ctrl-C); the hook is running.
        }
    }
}
