package dev.sluice.broker.group;

import java.util.List;
import java.util.Set;

/**
 * A member's heartbeat as the membership core sees it (converted from the protobuf request at the edge).
 *
 * @param memberEpoch 0 to join, -1 to leave, -2 for a static member's temporary leave, else its last epoch
 * @param owned the partitions the member owns now
 * @param sessionTimeoutMs 0 for the default; negative is refused by the membership core
 * @param rebalanceTimeoutMs 0 for the default; negative is refused by the membership core
 */
public record Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String clientId,
                        List<String> subscribedTopics, String topicRegex, String assignor, int sessionTimeoutMs,
                        int rebalanceTimeoutMs, Set<TopicPartition> owned) {
    public static final int JOIN_EPOCH = 0;
    public static final int LEAVE_EPOCH = -1;
    public static final int STATIC_LEAVE_EPOCH = -2;
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    public static final int DEFAULT_REBALANCE_TIMEOUT_MS = 300_000;

    public Heartbeat {
        subscribedTopics = List.copyOf(subscribedTopics);
        owned = Set.copyOf(owned);
        sessionTimeoutMs = sessionTimeoutMs == 0 ? DEFAULT_SESSION_TIMEOUT_MS : sessionTimeoutMs;
        rebalanceTimeoutMs = rebalanceTimeoutMs == 0 ? DEFAULT_REBALANCE_TIMEOUT_MS : rebalanceTimeoutMs;
    }
}
