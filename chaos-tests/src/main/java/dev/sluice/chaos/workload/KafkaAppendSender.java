package dev.sluice.chaos.workload;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An append producer on Apache Kafka's own Java client (kafka-clients, unchanged) against the brokers' Kafka
 * listeners, as {@link WorkloadPrincipals#APPEND} (SASL_SSL in a secured run): idempotent, {@code acks=all}, no
 * batching delay, the client's default of 5 requests in flight per connection, so leader changes exercise its retries
 * and sequence checks against Sluice.
 */
final class KafkaAppendSender implements AppendSender {
    private final KafkaProducer<String, String> producer;

    KafkaAppendSender(WorkloadContext context, String clientId) {
        Properties config = context.kafkaConfig(WorkloadPrincipals.APPEND, Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, clientId));
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    @Override
    public void send(String topic, String key, String value, Completion completion) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    completion.acknowledged(metadata.partition(), metadata.offset());
                } else {
                    completion.failed(error, definite(error));
                }
            });
        } catch (RuntimeException e) {
            completion.failed(e, definite(e));
        }
    }

    /** Refused before reaching any log; every other failure, timeouts included, may have written the record. */
    private static boolean definite(Throwable error) {
        Throwable cause = Errors.unwrap(error);
        return cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException;
    }

    @Override
    public void close() {
        producer.close();
    }
}
