package dev.sluice.client;

import java.util.List;

/**
 * A consumed record.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset in the partition
 * @param timestamp the record timestamp in epoch milliseconds
 * @param key the deserialized key, or null
 * @param value the deserialized value, or null
 * @param headers the headers, never null
 * @param <K> key type
 * @param <V> value type
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
                                   List<Header> headers) {
}
