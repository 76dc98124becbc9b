package dev.sluice.broker.group;

import com.google.protobuf.ByteString;
import dev.sluice.broker.group.classic.ClassicGroups;
import dev.sluice.broker.log.PartitionLog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed offsets held by one partition of {@code __consumer_offsets}: an in-memory map rebuilt by reading the
 * partition's log, and kept current by reading on from where the last read stopped. The log is the truth; the map
 * is a cache of its latest value per key. It also holds the in-memory membership of the partition's groups, of both
 * kinds. Callers synchronize on the instance.
 */
final class OffsetsPartition {
    private static final int READ_BYTES = 1 << 20;

    private final PartitionLog log;
    private final Map<OffsetKey, CommittedOffset> offsets = new HashMap<>();
    private final GroupMembership membership;
    private final ClassicGroups classic;
    private final int leaderEpoch;
    /**
     * The log end when this broker took the partition over: commits up to here may be in the log but not yet below
     * the high watermark, so the offsets are not served before the high watermark reaches it.
     */
    private final long loadEndOffset;
    private long nextOffset;

    OffsetsPartition(PartitionLog log, int leaderEpoch, GroupMembership membership, ClassicGroups classic) {
        this.log = log;
        this.leaderEpoch = leaderEpoch;
        this.membership = membership;
        this.classic = classic;
        this.nextOffset = log.logStartOffset();
        this.loadEndOffset = log.logEndOffset();
    }

    /**
     * Whether every record the log held at takeover is committed, so the map is complete once caught up. A new
     * leader's high watermark can trail its log end until the followers fetch again; serving offsets before that
     * would hand out older commits than the previous coordinator acknowledged (Kafka's COORDINATOR_LOAD_IN_PROGRESS).
     */
    boolean loaded() {
        return log.highWatermark() >= loadEndOffset;
    }

    /** The leader epoch in which this broker took the partition over. */
    int leaderEpoch() {
        return leaderEpoch;
    }

    /** The membership of the groups in this partition; lives as long as this broker leads the partition. */
    GroupMembership membership() {
        return membership;
    }

    /**
     * The Kafka classic groups of this partition. A group id is either classic or one of Sluice's server-assigned
     * groups (in {@link #membership()}) at a time: the coordinator refuses a member of the other kind while one has
     * members.
     */
    ClassicGroups classic() {
        return classic;
    }

    /**
     * Fails the classic groups' waiting JoinGroup and SyncGroup requests: this broker no longer coordinates the
     * partition (at this leader epoch), so it answers {@code NOT_LEADER}, which Kafka clients see as NOT_COORDINATOR,
     * and they find the new coordinator instead of waiting out their rebalance timeout. Takes the lock itself and
     * completes the requests after releasing it. Does nothing for null.
     */
    static void retire(OffsetsPartition partition, String why) {
        if (partition == null) {
            return;
        }
        List<Runnable> ready;
        synchronized (partition) {
            partition.classic.abandon(why);
            ready = partition.classic.drainReady();
        }
        ready.forEach(Runnable::run);
    }

    PartitionLog log() {
        return log;
    }

    /** Applies every committed record not yet read. */
    void catchUp() {
        long highWatermark = log.highWatermark();
        nextOffset = Math.max(nextOffset, log.logStartOffset());
        while (nextOffset < highWatermark) {
            var batches = log.read(nextOffset, READ_BYTES, highWatermark).batches();
            if (batches.isEmpty()) {
                break;
            }
            for (ByteString batch : batches) {
                long skipBelow = nextOffset;
                OffsetRecords.decode(batch, (offset, key, value) -> {
                    if (offset < skipBelow) {
                        return; // a batch that starts before where we stopped: skip what was applied
                    }
                    if (value == null) {
                        offsets.remove(key);
                    } else {
                        offsets.put(key, value);
                    }
                });
                nextOffset = Math.max(nextOffset, OffsetRecords.nextOffset(batch));
            }
        }
    }

    CommittedOffset get(OffsetKey key) {
        return offsets.get(key);
    }

    Map<OffsetKey, CommittedOffset> snapshot() {
        return Map.copyOf(offsets);
    }
}
