package dev.sluice.broker.group;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One member of a consumer group, as its coordinator tracks it. Mutable; owned by the {@link ConsumerGroup} that
 * holds it. Invariant: {@code assigned} and {@code revoking} are disjoint; together they are what the member may
 * still own. Times in milliseconds of the injected clock.
 */
final class GroupMember {
    String memberId;
    final String instanceId;
    String clientId;
    List<String> subscribedTopics = List.of();
    String topicRegex = "";
    Pattern compiledRegex;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    long lastHeartbeatMs;
    int memberEpoch;
    /** A static member that left with epoch -2: it keeps its assignment until its session expires. */
    boolean departed;
    /** Handed to the member and not taken back. */
    final Set<TopicPartition> assigned = new TreeSet<>();
    /** Taken back, but the member has not yet confirmed it stopped reading them. */
    final Set<TopicPartition> revoking = new TreeSet<>();
    long revokeDeadlineMs;

    GroupMember(String memberId, String instanceId) {
        this.memberId = memberId;
        this.instanceId = instanceId;
    }

    boolean isStatic() {
        return !instanceId.isEmpty();
    }

    boolean owns(TopicPartition tp) {
        return assigned.contains(tp) || revoking.contains(tp);
    }
}
