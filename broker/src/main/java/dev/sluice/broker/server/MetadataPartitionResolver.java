package dev.sluice.broker.server;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.partition.PartitionResolver;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.ErrorCode;
import java.util.function.Supplier;

/**
 * Answers "may this broker serve this partition, and where is its log" from the latest metadata image: unknown
 * topics and partitions, and partitions led elsewhere, come back as typed errors with the leader as a hint. The
 * topic's typed settings come from {@link ImageTopicSettings}, parsed once per image, not per request.
 * Thread-safe: it reads a volatile image, the lock-free settings memo and the thread-safe log store.
 */
final class MetadataPartitionResolver implements PartitionResolver {
    private final int nodeId;
    private final Supplier<MetadataImage> image;
    private final LogStore logStore;
    private final ImageTopicSettings settings;

    MetadataPartitionResolver(int nodeId, Supplier<MetadataImage> image, LogStore logStore,
                              ImageTopicSettings settings) {
        this.nodeId = nodeId;
        this.image = image;
        this.logStore = logStore;
        this.settings = settings;
    }

    @Override
    public ResolvedPartition resolve(String topic, int partition) {
        MetadataImage current = image.get();
        TopicImage topicImage = current.topics().topic(topic);
        if (topicImage == null) {
            return new ResolvedPartition.Failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    "unknown topic '" + topic + "'", -1);
        }
        PartitionImage partitionImage = topicImage.partition(partition);
        if (partitionImage == null) {
            return new ResolvedPartition.Failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + topic + "' has "
                    + topicImage.partitions().size() + " partitions; there is no partition " + partition, -1);
        }
        if (!partitionImage.hasLeader()) {
            return new ResolvedPartition.Failure(ErrorCode.LEADER_NOT_AVAILABLE,
                    topic + "-" + partition + " has no leader at the moment", -1);
        }
        if (partitionImage.leaderId() != nodeId) {
            return new ResolvedPartition.Failure(ErrorCode.NOT_LEADER, "broker " + nodeId + " does not lead " + topic
                    + "-" + partition + "; broker " + partitionImage.leaderId() + " does", partitionImage.leaderId());
        }
        return ResolvedPartition.leader(logStore.partition(new PartitionKey(topicImage.id(), partition)),
                settings.forTopic(current, topic).logConfig(), partitionImage.leaderEpoch());
    }

    static dev.sluice.broker.log.FlushPolicy flushPolicy(TopicConfigs configs) {
        return new dev.sluice.broker.log.FlushPolicy(configs.durableAcks(), configs.flushMessages(),
                configs.flushMs());
    }

    static LogConfig logConfig(TopicConfigs configs) {
        return new LogConfig(configs.retentionMs(), configs.retentionBytes(), configs.maxMessageBytes(),
                configs.deleteEnabled(), configs.compactEnabled(), configs.deleteRetentionMs());
    }
}
