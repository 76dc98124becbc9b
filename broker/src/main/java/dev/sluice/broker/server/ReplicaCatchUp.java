package dev.sluice.broker.server;

import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import java.util.Map;

/**
 * The readiness rule a rolling restart needs: a broker is not ready while it is missing from the ISR of a partition
 * it replicates whose leader is another unfenced broker. Without it, a restarted broker reports ready as soon as it
 * is unfenced, the orchestrator stops the next node, and a partition whose only in-sync replica was on that next node
 * goes offline (or, with {@code min.insync.replicas} 1, its acknowledged records exist on one replica only).
 *
 * <p>A partition whose leader is fenced or absent does not block: nothing would bring this replica back into its ISR
 * until a leader is elected, and an election may be waiting for this very broker. Neither does a partition led by
 * this broker, since a leader is always in its own ISR.
 *
 * <p>Pure: reads the image it is given and nothing else; any thread.
 */
final class ReplicaCatchUp {
    private ReplicaCatchUp() {
    }

    /**
     * Null when broker {@code nodeId} is in the ISR of every partition it replicates that has another unfenced
     * leader; otherwise a reason naming the first such partition (by topic name, then index) and how many there are.
     */
    static String notCaughtUpReason(MetadataImage image, int nodeId) {
        ClusterImage cluster = image.cluster();
        int behind = 0;
        String firstTopic = null;
        int firstPartition = -1;
        for (TopicImage topic : image.topics().topicsByName().values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                if (waitsFor(entry.getValue(), nodeId, cluster)) {
                    behind++;
                    if (firstTopic == null || isBefore(topic.name(), entry.getKey(), firstTopic, firstPartition)) {
                        firstTopic = topic.name();
                        firstPartition = entry.getKey();
                    }
                }
            }
        }
        if (behind == 0) {
            return null;
        }
        return "replicas catching up: broker " + nodeId + " is not yet in the ISR of " + firstTopic + "-"
                + firstPartition + " (" + behind + (behind == 1 ? " partition with a live leader is"
                : " partitions with a live leader are") + " waiting for it)";
    }

    private static boolean waitsFor(PartitionImage partition, int nodeId, ClusterImage cluster) {
        int leader = partition.leaderId();
        return partition.replicas().contains(nodeId) && !partition.isr().contains(nodeId)
                && leader != PartitionImage.NO_LEADER && leader != nodeId && cluster.isUnfenced(leader);
    }

    private static boolean isBefore(String topic, int partition, String otherTopic, int otherPartition) {
        int byName = topic.compareTo(otherTopic);
        return byName < 0 || byName == 0 && partition < otherPartition;
    }
}
