package dev.sluice.broker.server;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The typed settings of each topic for one metadata image, computed once per image and topic instead of once per
 * request: a topic's configs are strings in the image, and parsing them (with their defaults and bounds) on every
 * produce and fetch cost the request path for nothing, since they only change with the image. The request path,
 * retention and the log cleaner share one instance. A caller asks with the image it works from; a newer image starts
 * a new, empty memo (the old one is dropped), and a caller still holding an older image gets its answer computed
 * without evicting the newer memo, so an answer is never from another image than the one asked about.
 *
 * <p>Thread-safe and lock-free: the memo is a volatile reference to an immutable (image, map) pair whose map is
 * concurrent; two threads that see a new image at once may both build an entry, with the same result.
 */
final class ImageTopicSettings {
    /** What the request path needs of a topic's configs, typed. */
    record TopicSettings(LogConfig logConfig, int minInsyncReplicas) {
        static TopicSettings of(TopicConfigs configs) {
            return new TopicSettings(MetadataPartitionResolver.logConfig(configs), configs.minInsyncReplicas());
        }
    }

    private record Memo(MetadataImage image, Map<String, TopicSettings> byTopic) {
    }

    private volatile Memo memo = new Memo(MetadataImage.EMPTY, new ConcurrentHashMap<>());

    /**
     * The settings of {@code topic} in {@code image}: its explicit configs over the defaults (a topic the image does
     * not know gets the defaults, as {@code ConfigsImage#effective} gives).
     */
    TopicSettings forTopic(MetadataImage image, String topic) {
        Memo current = memo;
        if (current.image() != image) {
            if (image.offset() < current.image().offset()) {
                return TopicSettings.of(image.configs().effective(topic));
            }
            current = new Memo(image, new ConcurrentHashMap<>());
            memo = current;
        }
        return current.byTopic().computeIfAbsent(topic, name -> TopicSettings.of(image.configs().effective(name)));
    }

    /**
     * The log settings of a partition's topic; null when the topic is gone from the image (its log is about to be
     * deleted, so retention and compaction skip it).
     */
    LogConfig forPartition(MetadataImage image, PartitionKey key) {
        TopicImage topic = image.topics().topic(key.topicId());
        return topic == null ? null : forTopic(image, topic.name()).logConfig();
    }
}
