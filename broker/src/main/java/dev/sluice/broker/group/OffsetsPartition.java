package dev.sluice.broker.group;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.PartitionLog;
import java.util.HashMap;
import java.util.Map;

/**
 * The committed offsets held by one partition of {@code __consumer_offsets}: an in-memory map rebuilt by reading the
 * partition's log, and kept current by reading on from where the last read stopped. The log is the truth; the map
 * is a cache of its latest value per key. Callers synchronize on the instance.
 */
final class OffsetsPartition {
    private static final int READ_BYTES = 1 << 20;

    private final PartitionLog log;
    private final Map<OffsetKey, CommittedOffset> offsets = new HashMap<>();
    private final GroupMembership membership;
    private long nextOffset;

    OffsetsPartition(PartitionLog log, GroupMembership membership) {
        this.log = log;
        this.membership = membership;
        this.nextOffset = log.logStartOffset();
    }

    /** The membership of the groups in this partition; lives as long as this broker leads the partition. */
    GroupMembership membership() {
        return membership;
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
                long[] next = {nextOffset};
                long base = baseOffset(batch);
                int[] index = {0};
                OffsetRecords.decode(batch, (key, value) -> {
                    long offset = base + index[0]++;
                    if (offset < next[0]) {
                        return; // a batch that starts before where we stopped: skip what was applied
                    }
                    if (value == null) {
                        offsets.remove(key);
                    } else {
                        offsets.put(key, value);
                    }
                });
                nextOffset = Math.max(nextOffset, base + index[0]);
            }
        }
    }

    CommittedOffset get(OffsetKey key) {
        return offsets.get(key);
    }

    Map<OffsetKey, CommittedOffset> snapshot() {
        return Map.copyOf(offsets);
    }

    private static long baseOffset(ByteString batch) {
        try {
            return dev.sluice.proto.internal.v1.RecordBatchView.parseFrom(batch).getHeader().getBaseOffset();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt batch in __consumer_offsets", e);
        }
    }
}
