package dev.sluice.client.internal;

import com.google.protobuf.ByteString;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.Deserializer;
import dev.sluice.client.Header;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The batches one fetch returned for one partition, with a cursor. Record i of a batch has offset
 * {@code base_offset + i}; records below the consumer's position (a batch may start before the fetch
 * offset) are skipped. Tagged with the partition epoch at fetch time so data fetched before a seek is
 * dropped. Owned by the consumer's polling thread.
 *
 * <p>Compressed batches ({@code compressed_records} with a codec) are decompressed here, one batch at a time as
 * the cursor reaches it. A batch rewritten by log compaction may hold fewer records than its offset span:
 * its records then carry {@code offset_delta} and its header {@code last_offset_delta}.
 */
public final class FetchedRecords {
    private final TopicPartition partition;
    private final int epoch;
    private final List<RecordBatch> batches;
    private int batchIndex;
    private int recordIndex;
    /** The decoded records of batch {@link #batchIndex}, or null before it is decoded. */
    private List<LogRecord> current;

    public FetchedRecords(TopicPartition partition, int epoch, List<RecordBatch> batches) {
        this.partition = partition;
        this.epoch = epoch;
        this.batches = batches;
    }

    public TopicPartition partition() {
        return partition;
    }

    public int epoch() {
        return epoch;
    }

    /** The offset after the last record of these batches, or -1 when there are none. */
    public long nextOffsetAfter() {
        if (batches.isEmpty()) {
            return -1;
        }
        return endOffset(batches.get(batches.size() - 1));
    }

    /** The offset after the last offset the batch spans (compaction may have removed records inside it). */
    static long endOffset(RecordBatch batch) {
        RecordBatchHeader header = batch.getHeader();
        return header.getBaseOffset() + (header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1L
                : header.getRecordCount());
    }

    public boolean isExhausted() {
        return batchIndex >= batches.size();
    }

    /**
     * Appends up to {@code max} records at or after {@code position} to {@code out}.
     *
     * @return the offset after the last record taken, or {@code position} when none was taken
     */
    public <K, V> long drainTo(List<ConsumerRecord<K, V>> out, int max, long position, Deserializer<K> keys,
                               Deserializer<V> values) {
        long next = position;
        int taken = 0;
        while (taken < max && batchIndex < batches.size()) {
            RecordBatch batch = batches.get(batchIndex);
            if (current == null) {
                current = decode(batch);
                recordIndex = 0;
            }
            long base = batch.getHeader().getBaseOffset();
            boolean compacted = batch.getHeader().hasLastOffsetDelta();
            while (recordIndex < current.size()
                    && offsetOf(base, compacted, current.get(recordIndex), recordIndex) < next) {
                recordIndex++;
            }
            while (taken < max && recordIndex < current.size()) {
                long offset = offsetOf(base, compacted, current.get(recordIndex), recordIndex);
                out.add(toConsumerRecord(batch, current.get(recordIndex), offset, keys, values));
                recordIndex++;
                taken++;
                next = offset + 1;
            }
            if (recordIndex >= current.size()) {
                // Offsets compaction removed at the end of the batch are skipped too.
                next = Math.max(next, endOffset(batch));
                batchIndex++;
                current = null;
            }
        }
        return next;
    }

    /** Only batches rewritten by the log cleaner (marked by last_offset_delta) may carry offset deltas. */
    private static long offsetOf(long base, boolean compacted, LogRecord record, int index) {
        return base + (compacted && record.hasOffsetDelta() ? record.getOffsetDelta() : index);
    }

    private List<LogRecord> decode(RecordBatch batch) {
        Codec codec = batch.getHeader().getCodec();
        if (codec == Codec.CODEC_NONE && batch.getCompressedRecords().isEmpty()) {
            return batch.getRecords().getRecordsList();
        }
        if (codec == Codec.CODEC_NONE || codec == Codec.UNRECOGNIZED) {
            throw new SluiceException(ErrorCode.UNSUPPORTED_COMPRESSION, "batch at offset "
                    + batch.getHeader().getBaseOffset() + " of " + partition + " uses codec "
                    + batch.getHeader().getCodecValue() + ", which this client cannot decompress");
        }
        try {
            byte[] plain = Compression.decompress(codec, batch.getCompressedRecords().toByteArray());
            return Records.parseFrom(plain).getRecordsList();
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.CORRUPT_MESSAGE, "batch at offset "
                    + batch.getHeader().getBaseOffset() + " of " + partition + " does not decompress with "
                    + codec + ": " + e.getMessage());
        }
    }

    private <K, V> ConsumerRecord<K, V> toConsumerRecord(RecordBatch batch, LogRecord record, long offset,
                                                         Deserializer<K> keys, Deserializer<V> values) {
        byte[] key = record.hasKey() ? record.getKey().toByteArray() : null;
        byte[] value = record.hasValue() ? record.getValue().toByteArray() : null;
        List<Header> headers = List.of();
        if (record.getHeadersCount() > 0) {
            headers = new ArrayList<>(record.getHeadersCount());
            for (RecordHeader header : record.getHeadersList()) {
                headers.add(new Header(header.getKey(), bytes(header.getValue())));
            }
        }
        long timestamp = batch.getHeader().getFirstTimestampMs() + record.getTimestampDeltaMs();
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, timestamp,
                keys.deserialize(partition.topic(), key), values.deserialize(partition.topic(), value), headers);
    }

    private static byte[] bytes(ByteString value) {
        return value.toByteArray();
    }
}
