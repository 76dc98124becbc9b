package dev.sluice.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.Deserializer;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.util.List;

/**
 * The batches one fetch returned for one partition, with a cursor. Record i of a batch has offset
 * {@code base_offset + i}; records below the consumer's position (a batch may start before the fetch
 * offset) are skipped. Tagged with the partition epoch at fetch time so data fetched before a seek is
 * dropped. Owned by the consumer's polling thread.
 *
 * <p>Each batch arrives as the bytes of a serialized {@code RecordBatch} (a {@code RecordBatchView}, usually a slice
 * of the fetch response: see {@link ViewFetch}). Its header is parsed when the cursor or {@link #nextOffsetAfter()}
 * needs it, and its records are decoded one at a time by a {@link RecordReader} as they are drained. Compressed
 * batches ({@code compressed_records} with a codec) are decompressed when the cursor reaches them. A batch
 * rewritten by log compaction may hold fewer records than its offset span: its records then carry
 * {@code offset_delta} and its header {@code last_offset_delta}.
 */
public final class FetchedRecords {
    private final TopicPartition partition;
    private final int epoch;
    private final List<ByteString> batches;
    /** Parsed batches, filled in as they are needed. */
    private final RecordBatchView[] views;
    private int batchIndex;
    /** Records read from batch {@link #batchIndex}, skipped ones included. */
    private int recordIndex;
    /** The reader of batch {@link #batchIndex}, or null before the cursor reaches it. */
    private RecordReader current;
    /** The lease of the response array the batches alias, or null; released once, when this is exhausted. */
    private FetchBuffers.Lease lease;

    /** @param batches serialized batches, in offset order; they are read in place and must not change */
    public FetchedRecords(TopicPartition partition, int epoch, List<ByteString> batches) {
        this.partition = partition;
        this.epoch = epoch;
        this.batches = batches;
        this.views = new RecordBatchView[batches.size()];
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
        return endOffset(view(batches.size() - 1).getHeader());
    }

    /** The offset after the last offset the batch spans (compaction may have removed records inside it). */
    static long endOffset(RecordBatchHeader header) {
        return header.getBaseOffset() + (header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1L
                : header.getRecordCount());
    }

    /** Holds {@code lease} (the array of {@link #batches}) until {@link #release()}. */
    void hold(FetchBuffers.Lease responseLease) {
        responseLease.retain();
        this.lease = responseLease;
    }

    /**
     * Gives back the response array once this is exhausted: no record left to read from it, and the records handed
     * out are copies. A dropped, unexhausted instance never releases, and the GC takes its array.
     */
    void release() {
        if (!isExhausted()) {
            throw new IllegalStateException("released before all records of " + partition + " were read");
        }
        FetchBuffers.Lease held = lease;
        lease = null;
        if (held != null) {
            held.release();
        }
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
        try {
            while (taken < max && batchIndex < batches.size()) {
                RecordBatchView batch = view(batchIndex);
                RecordBatchHeader header = batch.getHeader();
                if (current == null) {
                    current = reader(batch);
                    recordIndex = 0;
                }
                long base = header.getBaseOffset();
                boolean compacted = header.hasLastOffsetDelta();
                boolean exhausted = current.atEnd();
                while (taken < max && !exhausted && current.next()) {
                    long offset = base + (compacted && current.hasOffsetDelta() ? current.offsetDelta() : recordIndex);
                    recordIndex++;
                    if (offset >= next) {
                        out.add(toConsumerRecord(header, offset, keys, values));
                        taken++;
                        next = offset + 1;
                    }
                    exhausted = current.atEnd();
                }
                if (exhausted || taken < max) {
                    // Offsets compaction removed at the end of the batch are skipped too.
                    next = Math.max(next, endOffset(header));
                    batchIndex++;
                    current = null;
                }
            }
        } catch (IOException e) {
            throw corrupt(e);
        }
        return next;
    }

    private RecordBatchView view(int index) {
        RecordBatchView view = views[index];
        if (view == null) {
            try {
                CodedInputStream in = batches.get(index).newCodedInput();
                in.enableAliasing(true);
                view = RecordBatchView.parseFrom(in);
            } catch (IOException e) {
                throw corrupt(e);
            }
            views[index] = view;
        }
        return view;
    }

    private SluiceException corrupt(IOException e) {
        return new SluiceException(ErrorCode.CORRUPT_MESSAGE, "a fetched batch of " + partition
                + " does not parse: " + e.getMessage());
    }

    private RecordReader reader(RecordBatchView batch) {
        Codec codec = batch.getHeader().getCodec();
        if (codec == Codec.CODEC_NONE && batch.getCompressedRecords().isEmpty()) {
            return RecordReader.of(batch.getRecords());
        }
        if (codec == Codec.CODEC_NONE || codec == Codec.UNRECOGNIZED) {
            throw new SluiceException(ErrorCode.UNSUPPORTED_COMPRESSION, "batch at offset "
                    + batch.getHeader().getBaseOffset() + " of " + partition + " uses codec "
                    + batch.getHeader().getCodecValue() + ", which this client cannot decompress");
        }
        try {
            return RecordReader.of(BatchCompression.decompress(codec, batch.getCompressedRecords().toByteArray()));
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.CORRUPT_MESSAGE, "batch at offset "
                    + batch.getHeader().getBaseOffset() + " of " + partition + " does not decompress with "
                    + codec + ": " + e.getMessage());
        }
    }

    private <K, V> ConsumerRecord<K, V> toConsumerRecord(RecordBatchHeader header, long offset, Deserializer<K> keys,
                                                         Deserializer<V> values) {
        long timestamp = header.getFirstTimestampMs() + current.timestampDeltaMs();
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, timestamp,
                keys.deserialize(partition.topic(), current.key()),
                values.deserialize(partition.topic(), current.value()), current.headers());
    }
}
