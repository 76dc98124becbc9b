package dev.sluice.broker.server;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster-wide health figures of one metadata image, as the active controller reports them
 * ({@link ControllerMeters}). Pure: computed from the image alone, so any node holding the same image gets the same
 * counts, and a test needs nothing but an image.
 *
 * @param offline partitions with no leader: no live in-sync replica, so neither produce nor consume works
 * @param preferredImbalance partitions led by a replica other than their preferred (first) replica
 * @param registeredBrokers brokers registered, fenced or not
 * @param fencedBrokers registered brokers that are fenced
 * @param topics topics, internal ones included
 * @param partitions partitions, those of internal topics included
 */
record ClusterCounts(int offline, int preferredImbalance, int registeredBrokers, int fencedBrokers, int topics,
                     int partitions) {
    static final ClusterCounts NONE = new ClusterCounts(0, 0, 0, 0, 0, 0);

    static ClusterCounts of(MetadataImage image) {
        int offline = 0;
        int imbalanced = 0;
        int partitions = 0;
        for (TopicImage topic : image.topics().topicsById().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                partitions++;
                if (!partition.hasLeader()) {
                    offline++;
                } else if (partition.leaderId() != partition.replicas().get(0)) {
                    imbalanced++;
                }
            }
        }
        int fenced = 0;
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            if (broker.fenced()) {
                fenced++;
            }
        }
        return new ClusterCounts(offline, imbalanced, image.cluster().brokers().size(), fenced,
                image.topics().topicsById().size(), partitions);
    }

    /**
     * Partitions whose leader changed from {@code before} to {@code after} to a replica (an election: failover,
     * controlled shutdown, preferred-leader rebalance, or the first leader after an outage). A partition losing its
     * leader is not an election, nor is a new topic's first leader: creating topics should not look like churn.
     */
    static int leaderElections(MetadataImage before, MetadataImage after) {
        Map<UUID, TopicImage> topicsBefore = before.topics().topicsById();
        int elections = 0;
        for (TopicImage topic : after.topics().topicsById().values()) {
            TopicImage old = topicsBefore.get(topic.id());
            if (old == null || old == topic) {
                continue;  // new, or unchanged: images share what did not change
            }
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage was = old.partition(entry.getKey());
                PartitionImage now = entry.getValue();
                if (was != null && now.hasLeader() && was.leaderId() != now.leaderId()) {
                    elections++;
                }
            }
        }
        return elections;
    }
}
