package dev.sluice.controller;

import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Recomputes a partition's leader and ISR after brokers were fenced or unfenced. Stateless; controller thread.
 *
 * <p>Rules (Kafka's, before eligible leader replicas):
 * <ul>
 *   <li>Fenced brokers leave the ISR, except that the ISR never becomes empty: when every member is fenced it is
 *       kept, naming the replicas that may still be elected cleanly.</li>
 *   <li>A leader that is unfenced and in the ISR stays. Otherwise the first replica (in replica order) that is in the
 *       ISR and unfenced becomes leader.</li>
 *   <li>With no such replica: if the topic sets {@code unclean.leader.election.enable}, the first unfenced replica
 *       becomes leader with an ISR of itself (data may be lost); else the partition has no leader (-1).</li>
 * </ul>
 *
 * <p>Preferred leader ({@link #preferredLeaders}): a partition whose first replica is unfenced, in the ISR and not
 * the leader gets it back as leader, so leadership spreads again after brokers restart.
 */
final class PartitionElection {
    private PartitionElection() {
    }

    /**
     * Records that fix every partition for which {@code affected} is true, against {@code image}, whose cluster
     * already shows the new fencing state.
     */
    static List<MetadataRecord> electAll(MetadataImage image, Predicate<PartitionImage> affected) {
        List<MetadataRecord> records = new ArrayList<>();
        ClusterImage cluster = image.cluster();
        ConfigsImage configs = image.configs();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            boolean unclean = configs.effective(topic.name()).uncleanLeaderElectionEnable();
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                if (affected.test(entry.getValue())) {
                    MetadataRecord change = elect(topic.id(), entry.getKey(), entry.getValue(),
                            cluster::isUnfenced, unclean);
                    if (change != null) {
                        records.add(change);
                    }
                }
            }
        }
        return records;
    }

    /** The change that brings one partition in line with the rules, or null when it already is. */
    static MetadataRecord elect(UUID topicId, int index, PartitionImage partition, IntPredicate unfenced,
            boolean uncleanAllowed) {
        List<Integer> isr = new ArrayList<>();
        for (int replica : partition.isr()) {
            if (unfenced.test(replica)) {
                isr.add(replica);
            }
        }
        if (isr.isEmpty()) {
            isr = partition.isr();
        }
        int leader = PartitionImage.NO_LEADER;
        if (partition.hasLeader() && unfenced.test(partition.leaderId()) && isr.contains(partition.leaderId())) {
            leader = partition.leaderId();
        } else {
            for (int replica : partition.replicas()) {
                if (isr.contains(replica) && unfenced.test(replica)) {
                    leader = replica;
                    break;
                }
            }
        }
        if (leader == PartitionImage.NO_LEADER && uncleanAllowed) {
            for (int replica : partition.replicas()) {
                if (unfenced.test(replica)) {
                    leader = replica;
                    isr = List.of(replica);
                    break;
                }
            }
        }
        boolean leaderChanged = leader != partition.leaderId();
        boolean isrChanged = !isr.equals(partition.isr());
        if (!leaderChanged && !isrChanged) {
            return null;
        }
        return MetadataRecords.partitionChange(topicId, index, leaderChanged ? leader : null,
                isrChanged ? isr : null, null);
    }

    /** Records that make each partition's first replica its leader again where it is eligible and is not. */
    static List<MetadataRecord> preferredLeaders(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        ClusterImage cluster = image.cluster();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                int preferred = partition.replicas().get(0);
                if (preferred != partition.leaderId() && partition.isr().contains(preferred)
                        && cluster.isUnfenced(preferred)) {
                    records.add(MetadataRecords.partitionChange(topic.id(), entry.getKey(), preferred, null, null));
                }
            }
        }
        return records;
    }
}
