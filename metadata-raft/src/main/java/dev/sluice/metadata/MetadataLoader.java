package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds committed metadata log entries into images and hands each (delta, image) to the registered publishers.
 *
 * <p>Thread: one thread (the Raft driver's, which learns the commits) calls {@link #handleCommit},
 * {@link #handleSnapshot} and {@link #register}. Any thread may read {@link #image()}: a {@code volatile} reference
 * to an immutable image, so no locks.
 *
 * <p>Invariants: offsets strictly increase; every payload parses and every record applies. A violation means the log
 * or this node is broken and throws {@link IllegalStateException} for the fault handler, leaving the image as it
 * was.
 */
public final class MetadataLoader {
    private static final Logger log = LoggerFactory.getLogger(MetadataLoader.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;

    /** The image as of the last committed entry applied. */
    public MetadataImage image() {
        return image;
    }

    /**
     * Adds a publisher. When the image is not empty the publisher first gets a catch-up update: a delta from
     * {@link MetadataImage#EMPTY} that creates everything in the current image.
     */
    public void register(MetadataPublisher publisher) {
        MetadataImage current = image;
        if (!current.isEmpty()) {
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            delta.replayAll(current.toRecords());
            publisher.onMetadataUpdate(delta, current);
        }
        publishers.add(publisher);
    }

    public void unregister(MetadataPublisher publisher) {
        publishers.remove(publisher);
    }

    /** Applies one committed entry: {@code payload} is a serialized {@code MetadataRecordBatch}, applied whole. */
    public void handleCommit(long offset, byte[] payload) {
        MetadataImage current = image;
        if (offset <= current.offset()) {
            throw new IllegalStateException("commit at offset " + offset + " is not after " + current.offset());
        }
        List<MetadataRecord> records = MetadataRecords.parse(payload);
        MetadataDelta delta = new MetadataDelta(current);
        try {
            delta.replayAll(records);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("metadata entry at offset " + offset + " does not apply: "
                    + e.getMessage(), e);
        }
        publish(delta, delta.apply(offset));
    }

    /**
     * Replaces the image with a snapshot's: {@code records} rebuild the image as of {@code offset} (the offset of the
     * last entry the snapshot covers). Works at any time: publishers get a delta from the current image to the
     * snapshot's, so they see the topics created and deleted, the partitions and brokers changed, the configs and
     * producer ids moved on, as if the entries in between had been replayed.
     */
    public void handleSnapshot(long offset, List<MetadataRecord> records) {
        MetadataImage current = image;
        if (offset < current.offset()) {
            throw new IllegalStateException("snapshot at " + offset + " is before the image at " + current.offset());
        }
        MetadataDelta fromEmpty = new MetadataDelta(MetadataImage.EMPTY);
        try {
            fromEmpty.replayAll(records);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("metadata snapshot at offset " + offset + " does not load: "
                    + e.getMessage(), e);
        }
        MetadataImage target = fromEmpty.apply(offset);
        MetadataDelta delta = current.isEmpty() ? fromEmpty : new MetadataDelta(current);
        if (!current.isEmpty()) {
            try {
                replayDifference(delta, current, target);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("metadata snapshot at offset " + offset
                        + " is not reachable from the image at " + current.offset() + ": " + e.getMessage(), e);
            }
        }
        MetadataImage newImage = delta.apply(offset);
        if (!newImage.equals(target)) {
            throw new IllegalStateException("metadata snapshot at offset " + offset
                    + " is not reachable from the image at " + current.offset() + " by metadata records");
        }
        log.info("Loaded metadata snapshot at offset {} ({} records) over the image at {}", offset, records.size(),
                current.offset());
        publish(delta, newImage);
    }

    /**
     * Replays into {@code delta} (based on {@code current}) records that turn {@code current} into {@code target},
     * a later image of the same log: removals first, so a name can be reused; then brokers, new topics, partition
     * changes, configs and producer ids. The caller checks the result equals {@code target}.
     */
    private static void replayDifference(MetadataDelta delta, MetadataImage current, MetadataImage target) {
        for (TopicImage topic : current.topics().topicsById().values()) {
            if (target.topics().topic(topic.id()) == null) {
                delta.replay(MetadataRecords.removeTopic(topic.id()));
            }
        }
        for (BrokerRegistration broker : target.cluster().brokers().values()) {
            BrokerRegistration old = current.cluster().broker(broker.id());
            if (old == null || broker.epoch() > old.epoch()) {
                delta.replay(MetadataRecords.registerBroker(broker.id(), broker.epoch(), broker.host(), broker.port(),
                        broker.rack()));
                old = delta.clusterDelta().broker(broker.id());
            }
            if (old.fenced() != broker.fenced()) {
                delta.replay(broker.fenced() ? MetadataRecords.fenceBroker(broker.id(), broker.epoch())
                        : MetadataRecords.unfenceBroker(broker.id(), broker.epoch()));
            }
        }
        for (TopicImage topic : new TreeMap<>(target.topics().topicsByName()).values()) {
            TopicImage old = current.topics().topic(topic.id());
            if (old == null) {
                topic.write(delta::replay);
                continue;
            }
            topic.partitions().forEach((index, partition) -> {
                PartitionImage oldPartition = old.partition(index);
                if (oldPartition == null) {
                    delta.replay(MetadataRecords.partition(topic.id(), index, partition));
                } else if (!oldPartition.equals(partition)) {
                    replayPartitionChanges(delta, topic.id(), index, oldPartition, partition);
                }
            });
        }
        replayConfigDifference(delta, current, target);
        if (target.producerIds().nextProducerId() > current.producerIds().nextProducerId()) {
            delta.replay(MetadataRecords.producerIds(-1, target.producerIds().nextProducerId()));
        }
    }

    /**
     * Partition changes that reach {@code target} with its exact epochs: every change bumps the partition epoch and
     * every change naming a leader the leader epoch, so the first change sets replicas, ISR and (if the leader epoch
     * moved) the leader, further ones name the leader again until the leader epoch matches, and the rest are empty.
     */
    private static void replayPartitionChanges(MetadataDelta delta, UUID topicId, int index, PartitionImage old,
            PartitionImage target) {
        int changes = target.partitionEpoch() - old.partitionEpoch();
        int leaderChanges = target.leaderEpoch() - old.leaderEpoch();
        if (changes < 1 || leaderChanges < 0 || leaderChanges > changes) {
            throw new IllegalStateException("partition " + topicId + "-" + index + " epochs go from " + old + " to "
                    + target);
        }
        delta.replay(MetadataRecords.partitionChange(topicId, index, leaderChanges > 0 ? target.leaderId() : null,
                target.isr(), target.replicas()));
        for (int change = 1; change < changes; change++) {
            delta.replay(MetadataRecords.partitionChange(topicId, index,
                    change < leaderChanges ? target.leaderId() : null, null, null));
        }
    }

    private static void replayConfigDifference(MetadataDelta delta, MetadataImage current, MetadataImage target) {
        Set<String> topics = new TreeSet<>(current.configs().topicConfigs().keySet());
        topics.addAll(target.configs().topicConfigs().keySet());
        for (String topic : topics) {
            if (target.topics().topic(topic) == null) {
                continue;
            }
            Map<String, String> have = delta.configsDelta().explicit(topic);
            Map<String, String> want = target.configs().explicit(topic);
            for (String key : new TreeSet<>(have.keySet())) {
                if (!want.containsKey(key)) {
                    delta.replay(MetadataRecords.config(topic, key, null));
                }
            }
            new TreeMap<>(want).forEach((key, value) -> {
                if (!value.equals(have.get(key))) {
                    delta.replay(MetadataRecords.config(topic, key, value));
                }
            });
        }
    }

    private void publish(MetadataDelta delta, MetadataImage newImage) {
        image = newImage;
        for (MetadataPublisher publisher : publishers) {
            publisher.onMetadataUpdate(delta, newImage);
        }
    }
}
