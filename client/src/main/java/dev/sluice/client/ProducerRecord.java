package dev.sluice.client;

import java.util.List;
import java.util.Objects;

/**
 * A record to send: topic, optional partition, optional timestamp, key, value and headers.
 * With no partition the producer picks one: murmur2 of the serialized key, or the sticky partition
 * for a null key. With no timestamp the producer uses its clock at {@code send} time.
 *
 * @param topic the topic, never null
 * @param partition the partition, or null to let the partitioner choose
 * @param timestamp the create time in epoch milliseconds, or null for "now"
 * @param key the key, may be null
 * @param value the value, may be null (a tombstone)
 * @param headers the headers, never null
 * @param <K> key type
 * @param <V> value type
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestamp, K key, V value,
        List<Header> headers) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0, got " + timestamp);
        }
        headers = headers == null ? List.of() : headers;
    }

    public ProducerRecord(String topic, Integer partition, Long timestamp, K key, V value) {
        this(topic, partition, timestamp, key, value, List.of());
    }

    public ProducerRecord(String topic, Integer partition, K key, V value) {
        this(topic, partition, null, key, value, List.of());
    }

    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, V value) {
        this(topic, null, null, null, value, List.of());
    }
}
