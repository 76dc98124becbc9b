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
import dev.sluice.proto.v1.RecordHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * The batches one fetch returned for one partition, with a cursor. Record i of a batch has offset
 * {@code base_offset + i}; records below the consumer's position (a batch may start before the fetch
 * offset) are skipped. Tagged with the partition epoch at fetch time so data fetched before a seek is
 * dropped. Owned by the consumer's polling thread.
 */
public final class FetchedRecords {
    private final TopicPartition partition;
    private final int epoch;
    private final List<RecordBatch> batches;
    private int batchIndex;
    private int recordIndex;

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
        RecordBatch last = batches.get(batches.size() - 1);
        return last.getHeader().getBaseOffset() + last.getHeader().getRecordCount();
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
            checkCodec(batch);
            List<LogRecord> records = batch.getRecords().getRecordsList();
            long base = batch.getHeader().getBaseOffset();
            if (recordIndex < next - base) {
                recordIndex = (int) Math.min(records.size(), next - base);
            }
            while (taken < max && recordIndex < records.size()) {
                long offset = base + recordIndex;
                out.add(toConsumerRecord(batch, records.get(recordIndex), offset, keys, values));
                recordIndex++;
                taken++;
                next = offset + 1;
            }
            if (recordIndex >= records.size()) {
                batchIndex++;
                recordIndex = 0;
            }
        }
        return next;
    }

    private void checkCodec(RecordBatch batch) {
        if (batch.getHeader().getCodec() != Codec.CODEC_NONE || !batch.getCompressedRecords().isEmpty()) {
            throw new SluiceException(ErrorCode.UNSUPPORTED_COMPRESSION, "batch at offset "
                    + batch.getHeader().getBaseOffset() + " of " + partition + " uses "
                    + batch.getHeader().getCodec() + ", which this client cannot decompress yet");
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
