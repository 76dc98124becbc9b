package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.security.acl.AclBinding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds committed metadata log entries into images and hands each (delta, image) to the registered publishers.
 *
 * <p>Catch-up (Kafka's {@code MetadataLoader} rule): a publisher registered with {@link #registerAfterCatchUp} hears
 * nothing while this node replays the metadata log (or loads a snapshot) after a start. Only once the image covers the
 * quorum's high watermark as first learned from the quorum (offsets below it are committed, so the image must reach
 * {@code highWatermark - 1}) does it get one update from {@link MetadataImage#EMPTY} to the current image, and then
 * every image. A broker that acted on each intermediate image would lead and follow partitions at long-gone leader
 * epochs. Publishers registered with {@link #register} (the controller) get every image.
 *
 * <p>Thread: one thread (the Raft listener's, which learns the commits) calls {@link #handleCommit} and
 * {@link #handleSnapshot}; {@link #maybeFinishCatchUp} may be called from any thread (a commit can reach the loader
 * before the quorum status shows the high watermark that committed it). These methods and the registrations are
 * serialized by this object's monitor, so publishers are never called concurrently. Any thread may read
 * {@link #image()}: a {@code volatile} reference to an immutable image, so no locks.
 *
 * <p>Invariants: offsets strictly increase; every payload parses and every record applies. A violation means the log
 * or this node is broken and throws {@link IllegalStateException} for the fault handler, leaving the image as it
 * was. Once caught up, the loader never goes back to catching up.
 */
public final class MetadataLoader {
    private static final Logger log = LoggerFactory.getLogger(MetadataLoader.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private final List<MetadataPublisher> afterCatchUp = new CopyOnWriteArrayList<>();
    /** The quorum's high watermark as this node learned it, -1 while unknown. */
    private final LongSupplier quorumHighWatermark;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    /** The offset to replay to before publishing to {@link #afterCatchUp}; -1 until the high watermark is known. */
    private long catchUpOffset = -1;
    private volatile boolean caughtUp;

    /** A loader that is caught up from the start: every publisher gets every image (tests, single-use replays). */
    public MetadataLoader() {
        this(() -> 0);
        caughtUp = true;
    }

    /**
     * @param quorumHighWatermark the metadata quorum's high watermark as this node learned it from the quorum's
     *     leader (exclusive: the first offset not committed), or -1 while none is known
     */
    public MetadataLoader(LongSupplier quorumHighWatermark) {
        this.quorumHighWatermark = quorumHighWatermark;
    }

    /** The image as of the last committed entry applied. */
    public MetadataImage image() {
        return image;
    }

    /**
     * Adds a publisher. When the image is not empty the publisher first gets a catch-up update: a delta from
     * {@link MetadataImage#EMPTY} that creates everything in the current image.
     */
    public synchronized void register(MetadataPublisher publisher) {
        catchUpUpdate(publisher, image);
        publishers.add(publisher);
    }

    /**
     * Adds a publisher that hears nothing until the loader caught up with the quorum's high watermark (see the class
     * comment); then, or at once when it already has, it gets the catch-up update of {@link #register}.
     */
    public synchronized void registerAfterCatchUp(MetadataPublisher publisher) {
        if (caughtUp) {
            catchUpUpdate(publisher, image);
        }
        afterCatchUp.add(publisher);
    }

    public synchronized void unregister(MetadataPublisher publisher) {
        publishers.remove(publisher);
        afterCatchUp.remove(publisher);
    }

    /** Whether the image has reached the quorum's high watermark as first learned (it stays so). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Checks whether the image now covers the quorum's high watermark as first learned and, if so, publishes it to
     * the publishers that waited for that. Returns whether the loader is caught up. Called after every commit and
     * snapshot, and by the node until it returns true, since the last commit before the high watermark may arrive
     * before the high watermark itself is known.
     */
    public synchronized boolean maybeFinishCatchUp() {
        if (caughtUp) {
            return true;
        }
        if (catchUpOffset < 0) {
            long highWatermark = quorumHighWatermark.getAsLong();
            if (highWatermark < 0) {
                return false;
            }
            catchUpOffset = highWatermark - 1;
            log.info("Replaying the metadata log to offset {} (the quorum's high watermark) before publishing; "
                    + "the image is at {}", catchUpOffset, image.offset());
        }
        MetadataImage current = image;
        if (current.offset() < catchUpOffset) {
            return false;
        }
        caughtUp = true;
        log.info("Metadata caught up at offset {}: publishing the image to the broker", current.offset());
        for (MetadataPublisher publisher : afterCatchUp) {
            catchUpUpdate(publisher, current);
        }
        return true;
    }

    /** A delta from {@link MetadataImage#EMPTY} that creates everything in {@code current}, unless it is empty. */
    private static void catchUpUpdate(MetadataPublisher publisher, MetadataImage current) {
        if (!current.isEmpty()) {
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            delta.replayAll(current.toRecords());
            publisher.onMetadataUpdate(delta, current);
        }
    }

    /** Applies one committed entry: {@code payload} is a serialized {@code MetadataRecordBatch}, applied whole. */
    public synchronized void handleCommit(long offset, byte[] payload) {
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
    public synchronized void handleSnapshot(long offset, List<MetadataRecord> records) {
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
     * changes, configs, producer ids and ACLs. The caller checks the result equals {@code target}.
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
                delta.replay(MetadataRecords.registerBroker(broker));
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
        replayAclDifference(delta, current, target);
        replayScramDifference(delta, current, target);
        replayQuotaDifference(delta, current, target);
    }

    private static void replayQuotaDifference(MetadataDelta delta, MetadataImage current, MetadataImage target) {
        current.quotas().entries().forEach((entity, values) -> values.keySet().stream()
                .filter(key -> target.quotas().value(entity, key) == null)
                .forEach(key -> delta.replay(MetadataRecords.clientQuota(entity, key.keyName(), null))));
        target.quotas().entries().forEach((entity, values) -> values.forEach((key, value) -> {
            if (!value.equals(current.quotas().value(entity, key))) {
                delta.replay(MetadataRecords.clientQuota(entity, key.keyName(), value));
            }
        }));
    }

    private static void replayScramDifference(MetadataDelta delta, MetadataImage current, MetadataImage target) {
        var want = target.scram().users();
        current.scram().users().forEach((user, credentials) -> credentials.keySet().stream()
                .filter(mechanism -> !want.getOrDefault(user, Map.of()).containsKey(mechanism))
                .forEach(mechanism -> delta.replay(MetadataRecords.removeScramCredential(user, mechanism))));
        want.forEach((user, credentials) -> credentials.forEach((mechanism, credential) -> {
            if (!credential.equals(current.scram().credential(user, mechanism).orElse(null))) {
                delta.replay(MetadataRecords.scramCredential(user, credential));
            }
        }));
    }

    private static void replayAclDifference(MetadataDelta delta, MetadataImage current, MetadataImage target) {
        Set<AclBinding> want = target.acls().acls().bindings();
        Set<AclBinding> have = current.acls().acls().bindings();
        have.stream().filter(acl -> !want.contains(acl)).forEach(acl -> delta.replay(MetadataRecords.removeAcl(acl)));
        want.stream().filter(acl -> !have.contains(acl)).forEach(acl -> delta.replay(MetadataRecords.acl(acl)));
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
                target.isr(), target.replicas(), target.eligibleLeaders()));
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
        if (caughtUp) {
            for (MetadataPublisher publisher : afterCatchUp) {
                publisher.onMetadataUpdate(delta, newImage);
            }
        } else {
            maybeFinishCatchUp();
        }
    }
}
