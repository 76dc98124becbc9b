package dev.sluice.chaos.workload;

import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringSerializer;
import java.util.Map;

/**
 * An append producer on Sluice's own client (gRPC port) as {@link WorkloadPrincipals#APPEND}: idempotent,
 * {@code acks=all}, no batching delay.
 */
final class SluiceAppendSender implements AppendSender {
    private final Producer<String, String> producer;

    SluiceAppendSender(WorkloadContext context, String clientId) {
        Map<String, Object> config = context.sluiceConfig(WorkloadPrincipals.APPEND, Map.of("bootstrap.servers",
                context.bootstrapServers(), "acks", "all", "enable.idempotence", true, "linger.ms", 0,
                "request.timeout.ms", 10_000, "delivery.timeout.ms", 30_000, "max.block.ms", 10_000,
                "client.id", clientId));
        producer = new Producer<>(config, new StringSerializer(), new StringSerializer());
    }

    @Override
    public void send(String topic, String key, String value, Completion completion) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    completion.acknowledged(metadata.partition(), metadata.offset());
                } else {
                    completion.failed(error, Errors.definiteSendFailure(error));
                }
            });
        } catch (RuntimeException e) {
            completion.failed(e, Errors.definiteSendFailure(e));
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
