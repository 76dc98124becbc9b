package dev.sluice.client;

/**
 * One entry of {@link Admin#listTopics()}.
 *
 * @param name the topic name
 * @param topicId the topic's unique id
 * @param partitions the partition count
 * @param replicationFactor the replication factor
 * @param internal whether this is an internal topic such as {@code __consumer_offsets}
 */
public record TopicListing(String name, String topicId, int partitions, int replicationFactor, boolean internal) {
}
