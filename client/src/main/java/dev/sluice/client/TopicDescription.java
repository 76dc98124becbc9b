package dev.sluice.client;

import java.util.List;
import java.util.Map;

/**
 * A topic as {@link Admin#describeTopics} reports it.
 *
 * @param name the topic name
 * @param topicId the topic's unique id
 * @param internal whether this is an internal topic
 * @param partitions the partitions in partition order
 * @param configs the explicitly set topic configs
 */
public record TopicDescription(String name, String topicId, boolean internal, List<PartitionDescription> partitions,
                               Map<String, String> configs) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }
}
