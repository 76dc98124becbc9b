package dev.sluice.examples;

import dev.sluice.client.JsonSerializer;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.RecordMetadata;
import dev.sluice.client.StringSerializer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The seed's producer service: sends family-member events as JSON, keyed by member id, with {@code acks=all}.
 * It sends asynchronously and then waits for every acknowledgement, so the count it returns is what the broker
 * confirmed, not what was handed to the client.
 */
public final class FamilyProducer {
    private final Map<String, Object> connection;
    private final Clock clock;

    public FamilyProducer(String bootstrapServers, Clock clock) {
        this(Map.of("bootstrap.servers", bootstrapServers), clock);
    }

    /** @param connection {@code bootstrap.servers} and any TLS settings the producer connects with */
    public FamilyProducer(Map<String, Object> connection, Clock clock) {
        this.connection = Map.copyOf(connection);
        this.clock = clock;
    }

    /** Sends {@code count} events and returns how many were acknowledged. */
    public int send(String topic, int count) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(connection);
        config.putAll(Map.of(
                "client.id", "family-producer",
                "acks", "all",
                "linger.ms", 5));
        List<Future<RecordMetadata>> pending = new ArrayList<>(count);
        try (Producer<String, FamilyEvent> producer =
                     new Producer<>(config, new StringSerializer(), new JsonSerializer<>())) {
            for (int i = 0; i < count; i++) {
                FamilyEvent event = FamilyEvent.numbered(i, clock.millis());
                pending.add(producer.send(new ProducerRecord<>(topic, event.id(), event)));
            }
            producer.flush();
        }
        int acknowledged = 0;
        for (Future<RecordMetadata> future : pending) {
            try {
                future.get();
                acknowledged++;
            } catch (ExecutionException e) {
                System.err.println("family-producer: send failed: " + e.getCause().getMessage());
            }
        }
        return acknowledged;
    }
}
