package dev.sluice.kafka;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last full heartbeat fields of each consumer-protocol member (KIP-848) this broker serves. A
 * ConsumerGroupHeartbeat sends a field only when it changed (null means "as last time"), while Sluice's group
 * coordinator takes every field in every heartbeat; this fills the gaps. An entry goes when its member leaves or is
 * refused, and after {@link #IDLE_EXPIRY_MS} without a heartbeat (the member's session expired long before), so
 * the map stays as large as the live membership. Thread-safe; time from the injected clock.
 */
final class ConsumerMemberFields {
    static final long IDLE_EXPIRY_MS = 10 * 60_000L;
    private static final long SWEEP_INTERVAL_MS = 60_000L;

    /** One member's fields as Sluice's heartbeat needs them. */
    record Fields(String instanceId, List<String> topics, String regex, String assignor, int rebalanceTimeoutMs,
                  Set<PartitionName> owned) {
    }

    /** A partition by topic name. */
    record PartitionName(String topic, int partition) {
    }

    private record Key(String groupId, String memberId) {
    }

    private record Entry(Fields fields, long seenMs) {
    }

    private final Clock clock;
    private final Map<Key, Entry> members = new ConcurrentHashMap<>();
    private volatile long lastSweepMs;

    ConsumerMemberFields(Clock clock) {
        this.clock = clock;
    }

    /** The fields last stored for the member, or null when none are (a join must send them all). */
    Fields last(String groupId, String memberId) {
        Entry entry = members.get(new Key(groupId, memberId));
        return entry == null ? null : entry.fields();
    }

    void remember(String groupId, String memberId, Fields fields) {
        long now = clock.millis();
        members.put(new Key(groupId, memberId), new Entry(fields, now));
        if (now - lastSweepMs > SWEEP_INTERVAL_MS) {
            lastSweepMs = now;
            members.entrySet().removeIf(entry -> now - entry.getValue().seenMs() > IDLE_EXPIRY_MS);
        }
    }

    void forget(String groupId, String memberId) {
        members.remove(new Key(groupId, memberId));
    }

    int size() {
        return members.size();
    }
}
