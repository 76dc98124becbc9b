package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.testing.FakeClock;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    private static final PartitionKey KEY = new PartitionKey(new UUID(3, 4), 0);
    private static final long DAY_MS = 86_400_000L;
    private static final LogConfig COMPACT = new LogConfig(1, 1, 1 << 20, false, true, DAY_MS);

    @TempDir
    Path dir;

    /** A batch of (key, value) pairs; a null value is a tombstone. */
    private static RecordBatchView batch(long timestampMs, Codec codec, String... keyValues) {
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            LogRecord.Builder record = LogRecord.newBuilder().setKey(ByteString.copyFromUtf8(keyValues[i]));
            if (keyValues[i + 1] != null) {
                record.setValue(ByteString.copyFromUtf8(keyValues[i + 1]));
            }
            records.addRecords(record);
        }
        RecordBatchHeader.Builder header = RecordBatchHeader.newBuilder().setRecordCount(keyValues.length / 2)
                .setFirstTimestampMs(timestampMs).setMaxTimestampMs(timestampMs).setCodec(codec);
        RecordBatch.Builder batch = RecordBatch.newBuilder().setHeader(header);
        if (codec == Codec.CODEC_NONE) {
            batch.setRecords(records);
        } else {
            byte[] plain = records.build().toByteArray();
            batch.setCompressedRecords(ByteString.copyFrom(BatchCompression.compress(codec, plain, plain.length)));
        }
        return TestBatches.view(batch.build());
    }

    /** Every stored record as offset -> "key=value" (value "null" for a tombstone), decoded like a consumer. */
    private static Map<Long, String> contents(PartitionLog log) throws IOException {
        Map<Long, String> out = new LinkedHashMap<>();
        for (ByteString stored : log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches()) {
            RecordBatch batch = RecordBatch.parseFrom(stored);
            RecordBatchHeader header = batch.getHeader();
            List<LogRecord> records = header.getCodec() == Codec.CODEC_NONE ? batch.getRecords().getRecordsList()
                    : Records.parseFrom(BatchCompression.decompress(header.getCodec(),
                    batch.getCompressedRecords().toByteArray())).getRecordsList();
            assertThat(records).hasSize(header.getRecordCount());
            for (int i = 0; i < records.size(); i++) {
                LogRecord record = records.get(i);
                long offset = header.getBaseOffset() + (record.hasOffsetDelta() ? record.getOffsetDelta() : i);
                out.put(offset, record.getKey().toStringUtf8() + "="
                        + (record.hasValue() ? record.getValue().toStringUtf8() : "null"));
            }
        }
        return out;
    }

    @Test
    void aFollowerReplicatesCompactedBatchesIncludingOnesLeftWithoutRecords() throws IOException {
        FakeClock clock = new FakeClock(10 * DAY_MS);
        long old = clock.millis() - 2 * DAY_MS;
        try (LogStore leaderStore = LogStore.open(dir.resolve("leader"));
             LogStore followerStore = LogStore.open(dir.resolve("follower"))) {
            PartitionLog leader = leaderStore.partition(KEY);
            leader.append(batch(old, Codec.CODEC_NONE, "a", "a1", "b", "b1"), 0, old);
            leader.append(batch(old, Codec.CODEC_ZSTD, "a", "a2", "c", "c1"), 0, old);
            leader.append(batch(old, Codec.CODEC_NONE, "a", "a3", "b", "b2"), 0, old);
            leader.updateHighWatermark(leader.logEndOffset());
            new LogCleaner(leaderStore, key -> COMPACT, clock).runOnce();
            List<ByteString> stored = leader.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches();
            assertThat(RecordBatch.parseFrom(stored.get(0)).getHeader().getRecordCount())
                    .as("the first batch lost every record to compaction").isZero();

            PartitionLog follower = followerStore.partition(KEY);
            stored.forEach(follower::appendAsFollower);

            assertThat(follower.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches()).isEqualTo(stored);
            assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset()).isEqualTo(6);
            assertThat(contents(follower)).isEqualTo(contents(leader));
            leader.append(batch(clock.millis(), Codec.CODEC_NONE, "d", "d1"), 1, clock.millis());
            follower.appendAsFollower(leader.read(6, Integer.MAX_VALUE, Long.MAX_VALUE).batches().get(0));
            assertThat(follower.logEndOffset()).isEqualTo(7);
        }
    }

    @Test
    void keepsTheLatestValuePerKeyAtItsOffsetAndDropsExpiredTombstones() throws IOException {
        FakeClock clock = new FakeClock(10 * DAY_MS);
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            long old = clock.millis() - 2 * DAY_MS;
            long recent = clock.millis() - 1_000;
            log.append(batch(old, Codec.CODEC_NONE, "a", "a1", "b", "b1", "c", "c1"), 0, old);
            log.append(batch(old, Codec.CODEC_ZSTD, "a", "a2", "d", "d1"), 0, old);
            log.append(batch(old, Codec.CODEC_GZIP, "b", null, "c", "c2"), 0, old);
            log.append(batch(recent, Codec.CODEC_LZ4, "c", null, "e", "e1"), 0, recent);
            log.updateHighWatermark(log.logEndOffset());
            log.append(batch(recent, Codec.CODEC_NONE, "a", "a3"), 0, recent);  // above the high watermark
            long sizeBefore = log.sizeBytes();

            LogCleaner cleaner = new LogCleaner(store, key -> COMPACT, clock);
            assertThat(cleaner.runOnce()).isEqualTo(1);

            // b's tombstone is two days old: gone. c's tombstone is recent: kept. a3 is above the high watermark.
            assertThat(contents(log)).containsExactly(Map.entry(3L, "a=a2"), Map.entry(4L, "d=d1"),
                    Map.entry(7L, "c=null"), Map.entry(8L, "e=e1"), Map.entry(9L, "a=a3"));
            assertThat(log.logEndOffset()).isEqualTo(10);
            assertThat(log.sizeBytes()).isLessThan(sizeBefore);
            assertThat(cleaner.runOnce()).as("a second pass finds nothing more").isZero();

            clock.advanceMs(2 * DAY_MS);
            log.updateHighWatermark(log.logEndOffset());
            cleaner.runOnce();
            assertThat(contents(log)).containsExactly(Map.entry(4L, "d=d1"), Map.entry(8L, "e=e1"),
                    Map.entry(9L, "a=a3"));
            // Batches keep their spans, so readers and appends see the same offsets as before.
            assertThat(log.read(4, Integer.MAX_VALUE, Long.MAX_VALUE).batches()).hasSize(4);
            assertThat(log.append(batch(clock.millis(), Codec.CODEC_NONE, "f", "f1"), 0, clock.millis())
                    .baseOffset()).isEqualTo(10);
        }
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(contents(log)).containsKeys(4L, 8L, 9L, 10L).hasSize(4);
            long stored = 0;
            for (ByteString batch : log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches()) {
                stored += batch.size();
            }
            assertThat(log.sizeBytes()).as("the size survives a restart and matches the stored bytes")
                    .isEqualTo(stored);
        }
    }

    @Test
    void retentionLeavesCompactOnlyTopicsAlone() {
        FakeClock clock = new FakeClock(10 * DAY_MS);
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.append(batch(0, Codec.CODEC_NONE, "a", "a1"), 0, 0);
            log.updateHighWatermark(log.logEndOffset());
            assertThat(new RetentionTask(store, key -> COMPACT, clock).runOnce()).isZero();
            LogConfig compactAndDelete = new LogConfig(1, -1, 1 << 20, true, true, DAY_MS);
            assertThat(new RetentionTask(store, key -> compactAndDelete, clock).runOnce()).isEqualTo(1);
        }
    }

    @Test
    void deletePolicyTopicsAreNotCompacted() {
        FakeClock clock = new FakeClock(10 * DAY_MS);
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.append(batch(0, Codec.CODEC_NONE, "a", "a1", "a", "a2"), 0, 0);
            log.updateHighWatermark(log.logEndOffset());
            assertThat(new LogCleaner(store, key -> LogConfig.DEFAULT, clock).runOnce()).isZero();
        }
    }
}
