package dev.sluice.client;

import java.util.List;
import java.util.Map;

/**
 * A group as {@link Admin#describeGroup} reports it: state (Empty, Reconciling, Stable, Dead), epoch, assignor,
 * members, and its committed offsets.
 */
public record ConsumerGroupDescription(String groupId, String state, int groupEpoch, String assignor,
                                       List<Member> members, Map<TopicPartition, Long> committed) {
    /** One member: ids, generation, assigned partitions and those it still has to give up. */
    public record Member(String memberId, String instanceId, String clientId, int memberEpoch,
                         List<TopicPartition> assignment, List<TopicPartition> pendingRevocation) {
    }
}
