package dev.sluice.client;

import java.util.List;

/**
 * A partition as the cluster metadata describes it.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param leader the leader's node id, or -1 when there is none
 * @param replicas node ids of the replicas
 * @param inSyncReplicas node ids of the in-sync replicas
 */
public record PartitionInfo(String topic, int partition, int leader, List<Integer> replicas,
                            List<Integer> inSyncReplicas) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        inSyncReplicas = List.copyOf(inSyncReplicas);
    }
}
