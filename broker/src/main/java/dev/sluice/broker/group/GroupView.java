package dev.sluice.broker.group;

import java.util.List;
import java.util.Set;

/** An immutable snapshot of a group's membership, for describe and list. */
public record GroupView(String groupId, String state, int groupEpoch, String assignor, List<Member> members) {
    /** One member's snapshot. */
    public record Member(String memberId, String instanceId, String clientId, int memberEpoch,
                         Set<TopicPartition> assigned, Set<TopicPartition> revoking, List<String> subscribedTopics,
                         String topicRegex) {
    }

    static GroupView of(ConsumerGroup group) {
        List<Member> members = group.members.values().stream().map(m -> new Member(m.memberId, m.instanceId,
                m.clientId, m.memberEpoch, Set.copyOf(m.assigned), Set.copyOf(m.revoking), m.subscribedTopics,
                m.topicRegex)).toList();
        return new GroupView(group.groupId, group.state(), group.groupEpoch,
                group.assignorName == null ? "" : group.assignorName, members);
    }
}
