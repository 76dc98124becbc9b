package dev.sluice.client;

/**
 * Where an acknowledged record landed.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset, or -1 when sent with {@code acks=0}
 * @param timestamp the record timestamp in epoch milliseconds (the create time, or the broker's
 *     append time when the topic uses log-append time)
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {
}
