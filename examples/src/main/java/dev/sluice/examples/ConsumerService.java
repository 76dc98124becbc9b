package dev.sluice.examples;

import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.ConsumerRecords;
import dev.sluice.client.JsonDeserializer;
import dev.sluice.client.StringDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One of the seed's consumer services: a consumer in its own group that polls the topic, hands each event to an
 * {@link EventHandler}, and commits offsets after processing (at-least-once). Runs on the thread that calls
 * {@link #runUntil}; {@link #processed()} may be read from any thread.
 */
public final class ConsumerService {
    private final String groupId;
    private final Map<String, Object> connection;
    private final EventHandler handler;
    private final AtomicLong processed = new AtomicLong();

    public ConsumerService(String groupId, String bootstrapServers, EventHandler handler) {
        this(groupId, Map.of("bootstrap.servers", bootstrapServers), handler);
    }

    /** @param connection {@code bootstrap.servers} and any TLS settings the service connects with */
    public ConsumerService(String groupId, Map<String, Object> connection, EventHandler handler) {
        this.groupId = groupId;
        this.connection = Map.copyOf(connection);
        this.handler = handler;
    }

    /** Consumes until {@code target} events were processed or the deadline passes; returns the count. */
    public long runUntil(String topic, long target, long deadlineNanos) throws Exception {
        Map<String, Object> config = new HashMap<>(connection);
        config.putAll(Map.of(
                "group.id", groupId,
                "client.id", groupId,
                "auto.offset.reset", "earliest",
                "enable.auto.commit", false));
        try (Consumer<String, FamilyEvent> consumer =
                     new Consumer<>(config, new StringDeserializer(), new JsonDeserializer<>(FamilyEvent.class))) {
            consumer.subscribe(List.of(topic));
            while (processed.get() < target && System.nanoTime() < deadlineNanos) {
                ConsumerRecords<String, FamilyEvent> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, FamilyEvent> record : records) {
                    if (handler.handle(record.value(), record.partition(), record.offset())) {
                        processed.incrementAndGet();
                    }
                }
                if (records.count() > 0) {
                    consumer.commitSync();
                }
            }
        }
        return processed.get();
    }

    public long processed() {
        return processed.get();
    }

    public String groupId() {
        return groupId;
    }
}
