package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * One compaction pass over one partition: reads the batches below the high watermark (a RocksDB iterator, no
 * lock), decodes their records (decompressing; the only place the broker does), asks {@link CompactionPlanner}
 * what to keep, and rewrites every batch that lost records, at the same key, keeping every offset:
 * kept records carry {@code offset_delta}, the header keeps the batch's span in {@code last_offset_delta} and
 * its codec (the records are compressed again). A batch left with no record stays, empty, so the log has no
 * offset gaps between batches. The rewritten batches are written under the partition's lock by
 * {@link PartitionLog#applyCompaction}, which gives up if retention or truncation changed the log meanwhile.
 *
 * <p>Memory: the cleanable range's records are decoded at once (a key map of the whole range); fine for the
 * partitions this broker holds today, a bounded, segment-by-segment cleaner is future work.
 *
 * <p>Owned by the cleaner thread.
 */
final class PartitionCompactor {

    /** A rewritten batch: its new stored bytes and the size of the bytes it replaces. */
    record Rewrite(long baseOffset, long nextOffset, long maxTimestampMs, byte[] stored, int oldSizeBytes) { }

    /** What one pass did. */
    record Result(int batchesRewritten, int recordsRemoved, long bytesRemoved) {
        static final Result NOTHING = new Result(0, 0, 0);
    }

    private record Decoded(RecordBatchView batch, int storedSize, long nextOffset, List<LogRecord> records,
                           List<Long> offsets) { }

    private PartitionCompactor() {
    }

    static Result compact(PartitionLog log, StoreHandles handles, long deleteRetentionMs, long nowMs) {
        long generation = log.generation();
        PartitionState seen = log.state();
        if (seen.highWatermark() <= seen.logStartOffset()) {
            return Result.NOTHING;
        }
        List<Decoded> batches = read(log.key(), handles, seen.logStartOffset(), seen.highWatermark());
        List<CompactionPlanner.Entry> entries = new ArrayList<>();
        for (Decoded batch : batches) {
            RecordBatchHeader header = batch.batch().getHeader();
            for (int i = 0; i < batch.records().size(); i++) {
                LogRecord record = batch.records().get(i);
                entries.add(new CompactionPlanner.Entry(batch.offsets().get(i),
                        record.hasKey() ? record.getKey() : null,
                        !record.hasValue(), header.getFirstTimestampMs() + record.getTimestampDeltaMs()));
            }
        }
        boolean[] keep = CompactionPlanner.plan(entries, nowMs, deleteRetentionMs);
        List<Rewrite> rewrites = new ArrayList<>();
        int index = 0;
        int removed = 0;
        for (Decoded batch : batches) {
            List<LogRecord> kept = new ArrayList<>();
            for (int i = 0; i < batch.records().size(); i++, index++) {
                if (keep[index]) {
                    long delta = batch.offsets().get(i) - batch.batch().getHeader().getBaseOffset();
                    kept.add(batch.records().get(i).toBuilder().setOffsetDelta(Math.toIntExact(delta)).build());
                }
            }
            if (kept.size() < batch.records().size()) {
                removed += batch.records().size() - kept.size();
                rewrites.add(rewrite(batch, kept));
            }
        }
        if (rewrites.isEmpty() || !log.applyCompaction(generation, rewrites)) {
            return Result.NOTHING;
        }
        long bytesRemoved = rewrites.stream().mapToLong(r -> r.oldSizeBytes() - r.stored().length).sum();
        return new Result(rewrites.size(), removed, bytesRemoved);
    }

    private static List<Decoded> read(PartitionKey key, StoreHandles handles, long fromOffset, long toOffset) {
        List<Decoded> batches = new ArrayList<>();
        try (Slice lower = new Slice(key.batchKey(fromOffset));
             Slice upper = new Slice(key.batchKey(toOffset));
             ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator iterator = handles.db().newIterator(handles.batches(), options)) {
            // A batch straddling the log start begins below it; the cleaner leaves that one alone.
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                batches.add(decode(key, iterator.value()));
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw handles.writer().readFailed("compaction read of " + key, e);
        }
        return batches;
    }

    private static Decoded decode(PartitionKey key, byte[] stored) {
        try {
            RecordBatchView batch = RecordBatchView.parseFrom(stored);
            RecordBatchHeader header = batch.getHeader();
            Codec codec = header.getCodec();
            Records records = codec == Codec.CODEC_NONE ? Records.parseFrom(batch.getRecords())
                    : Records.parseFrom(BatchCompression.decompress(codec, batch.getCompressedRecords().toByteArray()));
            List<Long> offsets = new ArrayList<>(records.getRecordsCount());
            for (int i = 0; i < records.getRecordsCount(); i++) {
                LogRecord record = records.getRecords(i);
                offsets.add(header.getBaseOffset() + (record.hasOffsetDelta() ? record.getOffsetDelta() : i));
            }
            long span = header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1L : header.getRecordCount();
            return new Decoded(batch, stored.length, header.getBaseOffset() + span, records.getRecordsList(), offsets);
        } catch (IOException e) {
            // Stored batches were validated at append; one that does not decode is a broken invariant.
            throw new IllegalStateException("stored batch of " + key + " does not decode", e);
        }
    }

    private static Rewrite rewrite(Decoded batch, List<LogRecord> kept) {
        RecordBatchHeader header = batch.batch().getHeader();
        int lastOffsetDelta = Math.toIntExact(batch.nextOffset() - header.getBaseOffset() - 1);
        byte[] plain = Records.newBuilder().addAllRecords(kept).build().toByteArray();
        boolean compress = header.getCodec() != Codec.CODEC_NONE && !kept.isEmpty();
        ByteString payload = ByteString.copyFrom(compress
                ? BatchCompression.compress(header.getCodec(), plain, plain.length) : plain);
        RecordBatchHeader.Builder newHeader = header.toBuilder()
                .setRecordCount(kept.size())
                .setLastOffsetDelta(lastOffsetDelta)
                .setCodec(compress ? header.getCodec() : Codec.CODEC_NONE)
                .setCrc32C(BatchChecksum.crc32c(payload));
        RecordBatchView.Builder view = RecordBatchView.newBuilder().setHeader(newHeader);
        if (compress) {
            view.setCompressedRecords(payload);
        } else {
            view.setRecords(payload);
        }
        return new Rewrite(header.getBaseOffset(), batch.nextOffset(), header.getMaxTimestampMs(),
                view.build().toByteArray(), batch.storedSize());
    }
}
