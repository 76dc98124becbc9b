package dev.sluice.broker.server;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The health of the partitions one broker leads, from a metadata image ({@link PartitionMeters}). Each broker
 * reports only what it leads, so summing over brokers counts every partition once. Pure.
 *
 * @param led partitions the broker leads
 * @param underReplicated of those, partitions whose ISR is smaller than their replica set
 * @param underMinIsr of those, partitions whose ISR is smaller than their topic's {@code min.insync.replicas}
 *     (acks=all produce is refused)
 */
record LeaderCounts(int led, int underReplicated, int underMinIsr) {
    static final LeaderCounts NONE = new LeaderCounts(0, 0, 0);

    /** Replicas that left and joined ISRs between two images. */
    record IsrChanges(long shrinks, long expands) {
    }

    static LeaderCounts of(MetadataImage image, int brokerId) {
        int led = 0;
        int underReplicated = 0;
        int underMinIsr = 0;
        for (TopicImage topic : image.topics().topicsById().values()) {
            int minIsr = -1;  // parsed from the topic's configs once, and only for a topic the broker leads in
            for (PartitionImage partition : topic.partitions().values()) {
                if (partition.leaderId() != brokerId) {
                    continue;
                }
                led++;
                if (partition.isr().size() < partition.replicas().size()) {
                    underReplicated++;
                }
                if (minIsr < 0) {
                    minIsr = image.configs().effective(topic.name()).minInsyncReplicas();
                }
                if (partition.isr().size() < minIsr) {
                    underMinIsr++;
                }
            }
        }
        return new LeaderCounts(led, underReplicated, underMinIsr);
    }

    /**
     * The replicas removed from and added to the ISRs of the partitions {@code brokerId} leads in {@code after}. A
     * leader change counts too: the new leader's ISR is compared with the partition's ISR before, so a previous
     * leader dropped from it is a shrink reported by its successor.
     */
    static IsrChanges isrChanges(MetadataImage before, MetadataImage after, int brokerId) {
        Map<UUID, TopicImage> topicsBefore = before.topics().topicsById();
        long shrinks = 0;
        long expands = 0;
        for (TopicImage topic : after.topics().topicsById().values()) {
            TopicImage old = topicsBefore.get(topic.id());
            if (old == null || old == topic) {
                continue;
            }
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage was = old.partition(entry.getKey());
                PartitionImage now = entry.getValue();
                if (was != null && was != now && now.leaderId() == brokerId) {
                    shrinks += missingFrom(now.isr(), was.isr());
                    expands += missingFrom(was.isr(), now.isr());
                }
            }
        }
        return new IsrChanges(shrinks, expands);
    }

    /** How many of {@code members} are not in {@code reference}. */
    private static long missingFrom(List<Integer> reference, List<Integer> members) {
        return members.stream().filter(id -> !reference.contains(id)).count();
    }
}
