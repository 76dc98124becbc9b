package dev.sluice.chaos.cluster;

import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which partitions are not fully replicated, as the cluster describes them: no leader, or an ISR smaller than the
 * replica list. Pure; any thread.
 */
final class ReplicaHealth {
    private ReplicaHealth() {
    }

    /** One line per partition that has no leader or lacks a replica in its ISR, sorted by topic, then partition. */
    static List<String> notFullyReplicated(Collection<TopicDescription> topics) {
        List<TopicDescription> sorted = new ArrayList<>(topics);
        sorted.sort(Comparator.comparing(TopicDescription::name));
        List<String> lacking = new ArrayList<>();
        for (TopicDescription topic : sorted) {
            for (PartitionDescription partition : topic.partitions()) {
                if (partition.leader() == -1 || partition.isr().size() < partition.replicas().size()) {
                    lacking.add(topic.name() + "-" + partition.partition() + " (leader " + partition.leader()
                            + ", replicas " + partition.replicas() + ", isr " + partition.isr() + ")");
                }
            }
        }
        return lacking;
    }
}
