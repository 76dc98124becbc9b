package dev.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.Records;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Offsets of decoded commits: base + index for plain batches, base + offset_delta for compacted ones. */
class OffsetRecordsTest {

    private record Decoded(long offset, OffsetKey key, CommittedOffset value) { }

    private static Map<OffsetKey, CommittedOffset> commits(int count) {
        Map<OffsetKey, CommittedOffset> commits = new LinkedHashMap<>();
        for (int partition = 0; partition < count; partition++) {
            commits.put(new OffsetKey("g", "t", partition), new CommittedOffset(100 + partition, "", 7));
        }
        return commits;
    }

    private static List<Decoded> decode(RecordBatchView batch) {
        List<Decoded> decoded = new ArrayList<>();
        OffsetRecords.decode(batch.toByteString(),
                (offset, key, value) -> decoded.add(new Decoded(offset, key, value)));
        return decoded;
    }

    @Test
    void plainBatchNumbersRecordsByIndex() {
        RecordBatchView encoded = OffsetRecords.encode(commits(3), 7);
        RecordBatchView stored = encoded.toBuilder().setHeader(encoded.getHeader().toBuilder().setBaseOffset(40))
                .build();
        List<Decoded> decoded = decode(stored);
        assertEquals(List.of(40L, 41L, 42L), decoded.stream().map(Decoded::offset).toList());
        assertEquals(new CommittedOffset(102, "", 7), decoded.get(2).value());
        assertEquals(43, OffsetRecords.nextOffset(stored.toByteString()));
    }

    @Test
    void compactedBatchUsesOffsetDeltaAndLastOffsetDelta() throws Exception {
        RecordBatchView encoded = OffsetRecords.encode(commits(3), 7);
        List<LogRecord> records = Records.parseFrom(encoded.getRecords()).getRecordsList();
        // As the log cleaner leaves it: the middle record dropped, the others keep their offsets.
        Records kept = Records.newBuilder().addRecords(records.get(0).toBuilder().setOffsetDelta(0))
                .addRecords(records.get(2).toBuilder().setOffsetDelta(2)).build();
        RecordBatchView compacted = RecordBatchView.newBuilder().setHeader(encoded.getHeader().toBuilder()
                .setBaseOffset(40).setRecordCount(2).setLastOffsetDelta(2)).setRecords(kept.toByteString()).build();
        List<Decoded> decoded = decode(compacted);
        assertEquals(List.of(40L, 42L), decoded.stream().map(Decoded::offset).toList());
        assertEquals(new OffsetKey("g", "t", 2), decoded.get(1).key());
        assertEquals(43, OffsetRecords.nextOffset(compacted.toByteString()));
    }

    @Test
    void emptyCompactedBatchStillSpansItsOffsets() {
        RecordBatchView encoded = OffsetRecords.encode(commits(2), 7);
        RecordBatchView empty = RecordBatchView.newBuilder().setHeader(encoded.getHeader().toBuilder()
                .setBaseOffset(10).setRecordCount(0).setLastOffsetDelta(1)).setRecords(Records.getDefaultInstance()
                .toByteString()).build();
        assertEquals(List.of(), decode(empty));
        assertEquals(12, OffsetRecords.nextOffset(empty.toByteString()));
    }
}
