package dev.sluice.client;

import java.util.List;

/**
 * One partition of a {@link TopicDescription}. Offsets are -1 when the answering broker does not
 * host the partition.
 *
 * @param partition the partition number
 * @param leader the leader's node id, -1 when none
 * @param leaderEpoch the leader epoch
 * @param replicas node ids of the replicas
 * @param isr node ids of the in-sync replicas
 * @param logStartOffset the first offset still stored
 * @param logEndOffset the offset the next record will get
 * @param highWatermark the first offset not yet visible to consumers
 */
public record PartitionDescription(int partition, int leader, int leaderEpoch, List<Integer> replicas,
                                   List<Integer> isr, long logStartOffset, long logEndOffset,
                                   long highWatermark) {
    public PartitionDescription {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
