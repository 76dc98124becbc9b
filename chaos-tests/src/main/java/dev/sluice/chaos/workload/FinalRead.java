package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append workload's final read: after heal and settle, each partition read from the beginning to its end offset
 * (high watermark), retried from scratch until it succeeds or the time is up, then written as {@code read} ok entries
 * of process {@code final-reader}; a partition not read in time gets one {@code read-incomplete} entry instead. Runs on
 * the runner thread.
 */
final class FinalRead {
    static final String PROCESS = "final-reader";
    private final WorkloadContext context;

    FinalRead(WorkloadContext context) {
        this.context = context;
    }

    /** Returns null when every partition was read, else a note naming those that were not. */
    String readAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> unread = new ArrayList<>();
        for (int partition = 0; partition < context.appendPartitions(); partition++) {
            List<ConsumerRecord<String, String>> records = null;
            while (records == null && System.nanoTime() < deadline) {
                records = tryRead(partition, deadline);
                if (records == null) {
                    AppendWorkload.sleep(1_000);
                }
            }
            if (records == null) {
                unread.add(partition);
                context.history().append(PROCESS, OpType.INFO, OpFunctions.READ_INCOMPLETE,
                        Map.of("topic", context.appendTopic(), "partition", partition), "not read in time");
                continue;
            }
            for (ConsumerRecord<String, String> record : records) {
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("topic", record.topic());
                value.put("partition", record.partition());
                value.put("offset", record.offset());
                value.put("value", record.value());
                context.history().append(PROCESS, OpType.OK, OpFunctions.READ, value, null);
            }
        }
        return unread.isEmpty() ? null : "final read incomplete for partitions " + unread;
    }

    private List<ConsumerRecord<String, String>> tryRead(int partition, long deadline) {
        TopicPartition tp = new TopicPartition(context.appendTopic(), partition);
        Map<String, Object> config = context.sluiceConfig(WorkloadPrincipals.READER, Map.of("bootstrap.servers",
                context.bootstrapServers(), "enable.auto.commit", false, "auto.offset.reset", "earliest",
                "request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000, "client.id", PROCESS));
        try (Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    return null;
                }
                consumer.poll(Duration.ofMillis(500)).records(tp).forEach(records::add);
            }
            return records;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
