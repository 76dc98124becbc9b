package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which records log compaction keeps. Pure: no I/O, no clock, no state.
 *
 * <p>Rules, over the records of the cleanable range (below the high watermark) in offset order:
 * <ul>
 *   <li>for each key only the record with the highest offset is kept;</li>
 *   <li>that latest record is dropped too when it is a tombstone (null value) whose timestamp is older than
 *       {@code nowMs - deleteRetentionMs}: consumers had {@code delete.retention.ms} to see the delete;</li>
 *   <li>records without a key are kept (Kafka refuses them on compacted topics; Sluice keeps what it got).</li>
 * </ul>
 * Offsets never change: a kept record keeps its offset, so the output of a plan, planned again, is unchanged.
 */
public final class CompactionPlanner {

    /**
     * One record as the planner sees it.
     *
     * @param offset its offset
     * @param key its key, or null
     * @param tombstone whether its value is null
     * @param timestampMs its timestamp, epoch milliseconds
     */
    public record Entry(long offset, ByteString key, boolean tombstone, long timestampMs) { }

    private CompactionPlanner() {
    }

    /**
     * @param records ascending by offset
     * @param nowMs current time, epoch milliseconds
     * @param deleteRetentionMs how long a tombstone stays after its timestamp
     * @return for each record (same index), whether to keep it
     * @throws IllegalArgumentException when offsets are not strictly ascending
     */
    public static boolean[] plan(List<Entry> records, long nowMs, long deleteRetentionMs) {
        Map<ByteString, Integer> latest = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            Entry record = records.get(i);
            if (record.offset() <= previous) {
                throw new IllegalArgumentException("offsets not ascending at index " + i + ": " + record.offset());
            }
            previous = record.offset();
            if (record.key() != null) {
                latest.put(record.key(), i);
            }
        }
        long expiredBeforeMs = nowMs - deleteRetentionMs;
        boolean[] keep = new boolean[records.size()];
        for (int i = 0; i < records.size(); i++) {
            Entry record = records.get(i);
            if (record.key() == null) {
                keep[i] = true;
            } else if (latest.get(record.key()) == i) {
                keep[i] = !(record.tombstone() && record.timestampMs() < expiredBeforeMs);
            }
        }
        return keep;
    }
}
