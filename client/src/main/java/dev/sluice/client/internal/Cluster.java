package dev.sluice.client.internal;

import dev.sluice.client.PartitionInfo;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.BrokerInfo;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.PartitionMetadata;
import dev.sluice.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of cluster metadata: broker addresses by node id and, per topic, its
 * partitions with their leaders (or the error the broker reported for the topic).
 *
 * @param clusterId the cluster id, empty before the first answer
 * @param brokers broker {@code host:port} by node id
 * @param topics per-topic state by name
 * @param updatedMs when this snapshot was fetched, epoch milliseconds
 */
public record Cluster(String clusterId, Map<Integer, String> brokers, Map<String, TopicState> topics,
                      long updatedMs) {
    /** The snapshot before any metadata arrived. */
    public static final Cluster EMPTY = new Cluster("", Map.of(), Map.of(), 0);

    /**
     * One topic's metadata.
     *
     * @param error NONE, or why the topic has no usable metadata
     * @param message the broker's message for {@code error}
     * @param partitions the partitions in partition order
     */
    public record TopicState(ErrorCode error, String message, List<PartitionInfo> partitions) {
    }

    public Cluster {
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
    }

    /** A new snapshot: this one with the brokers and the topics of {@code response} replaced. */
    public Cluster merge(MetadataResponse response, long nowMs) {
        Map<Integer, String> newBrokers = new HashMap<>();
        for (BrokerInfo broker : response.getBrokersList()) {
            if (!broker.getFenced()) {
                newBrokers.put(broker.getNodeId(), broker.getHost() + ":" + broker.getPort());
            }
        }
        Map<String, TopicState> newTopics = new HashMap<>(topics);
        for (TopicMetadata topic : response.getTopicsList()) {
            List<PartitionInfo> partitions = new ArrayList<>();
            for (PartitionMetadata p : topic.getPartitionsList()) {
                partitions.add(new PartitionInfo(topic.getName(), p.getPartition(), p.getLeaderId(),
                        p.getReplicasList(), p.getIsrList()));
            }
            partitions.sort(Comparator.comparingInt(PartitionInfo::partition));
            newTopics.put(topic.getName(), new TopicState(topic.getError(), topic.getErrorMessage(), partitions));
        }
        return new Cluster(response.getClusterId(), newBrokers, newTopics, nowMs);
    }

    /** The partitions of {@code topic}, or null when the topic is not known (or not usable). */
    public List<PartitionInfo> partitions(String topic) {
        TopicState state = topics.get(topic);
        return state == null || state.error() != ErrorCode.NONE || state.partitions().isEmpty()
                ? null : state.partitions();
    }

    /** The partition count of {@code topic}, or -1 when unknown. */
    public int partitionCount(String topic) {
        List<PartitionInfo> partitions = partitions(topic);
        return partitions == null ? -1 : partitions.size();
    }

    /** The leader's address of a partition, or null when unknown (no metadata, no leader, unknown broker). */
    public String leaderAddress(TopicPartition partition) {
        int leader = leaderId(partition);
        return leader < 0 ? null : brokers.get(leader);
    }

    /** The leader's node id of a partition, or -1 when unknown. */
    public int leaderId(TopicPartition partition) {
        List<PartitionInfo> partitions = partitions(partition.topic());
        if (partitions == null || partition.partition() >= partitions.size()) {
            return -1;
        }
        PartitionInfo info = partitions.get(partition.partition());
        return info.partition() == partition.partition() && brokers.containsKey(info.leader()) ? info.leader() : -1;
    }
}
