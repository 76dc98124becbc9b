package dev.sluice.broker.server;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;

/** The effective log settings of a partition, from its topic's configs in a metadata image. */
final class LogConfigs {
    private LogConfigs() {
    }

    /** Null when the topic is gone from the image: its log is about to be deleted, so retention skips it. */
    static LogConfig forPartition(MetadataImage image, PartitionKey key) {
        TopicImage topic = image.topics().topic(key.topicId());
        return topic == null ? null : MetadataPartitionResolver.logConfig(image.configs().effective(topic.name()));
    }
}
