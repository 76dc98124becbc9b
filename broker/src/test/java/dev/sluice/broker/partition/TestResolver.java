package dev.sluice.broker.partition;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resolver over one {@link LogStore}: topics added with {@link #lead} are led here at epoch 1; topics added
 * with {@link #ledBy} are led by another broker; anything else is unknown.
 */
final class TestResolver implements PartitionResolver {

    private record Topic(UUID id, int partitions, LogConfig config, int leaderId) { }

    private final LogStore store;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    TestResolver(LogStore store) {
        this.store = store;
    }

    TestResolver lead(String topic, int partitions, LogConfig config) {
        topics.put(topic, new Topic(UUID.nameUUIDFromBytes(topic.getBytes()), partitions, config, -1));
        return this;
    }

    TestResolver ledBy(String topic, int leaderId) {
        topics.put(topic, new Topic(UUID.nameUUIDFromBytes(topic.getBytes()), 1, LogConfig.DEFAULT, leaderId));
        return this;
    }

    PartitionLog log(String topic, int partition) {
        return store.partition(new PartitionKey(topics.get(topic).id(), partition));
    }

    @Override
    public ResolvedPartition resolve(String topic, int partition) {
        Topic known = topics.get(topic);
        if (known == null || partition < 0 || partition >= known.partitions()) {
            return ResolvedPartition.unknown(topic, partition);
        }
        if (known.leaderId() >= 0) {
            return ResolvedPartition.notLeader(topic, partition, known.leaderId());
        }
        return ResolvedPartition.leader(log(topic, partition), known.config(), 1);
    }
}
