package dev.sluice.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Transcodes stored Sluice batches (as the broker's {@code FetchHandler} returns them, byte for byte from the log)
 * into Kafka record batches (magic v2) for a Fetch response: one Kafka batch per Sluice batch, with the same base
 * offset, record offsets (a compacted batch's {@code offset_delta}s and its last offset included), timestamps, keys,
 * values, headers, producer id, epoch and base sequence, and the partition leader epoch; compressed with the codec
 * the batch was stored with. A batch compaction emptied becomes an empty Kafka batch that still covers its offsets,
 * as in Kafka, so a consumer moves past it. Pure; any thread.
 */
final class SluiceToKafkaBatch {
    private static final byte MAGIC = org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2;
    private static final long NO_PRODUCER_ID = org.apache.kafka.common.record.RecordBatch.NO_PRODUCER_ID;
    private static final short NO_PRODUCER_EPOCH = org.apache.kafka.common.record.RecordBatch.NO_PRODUCER_EPOCH;
    private static final int NO_SEQUENCE = org.apache.kafka.common.record.RecordBatch.NO_SEQUENCE;
    private static final long NO_TIMESTAMP = org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP;

    private SluiceToKafkaBatch() {
    }

    /** The stored batches, in order, as Kafka records. */
    static MemoryRecords transcode(List<ByteString> storedBatches) throws IOException {
        if (storedBatches.isEmpty()) {
            return MemoryRecords.EMPTY;
        }
        int estimate = storedBatches.stream().mapToInt(ByteString::size).sum() + 256 * storedBatches.size();
        ByteBufferOutputStream out = new ByteBufferOutputStream(estimate);
        for (ByteString stored : storedBatches) {
            append(RecordBatch.parseFrom(stored), out);
        }
        ByteBuffer buffer = out.buffer();
        buffer.flip();
        return MemoryRecords.readableRecords(buffer.slice());
    }

    private static void append(RecordBatch batch, ByteBufferOutputStream out) throws IOException {
        RecordBatchHeader header = batch.getHeader();
        Records records = records(batch);
        long baseOffset = header.getBaseOffset();
        long lastOffset = baseOffset + (header.hasLastOffsetDelta() ? header.getLastOffsetDelta()
                : Math.max(0, records.getRecordsCount() - 1));
        boolean hasProducer = header.getProducerId() > 0;
        long producerId = hasProducer ? header.getProducerId() : NO_PRODUCER_ID;
        short producerEpoch = hasProducer ? (short) header.getProducerEpoch() : NO_PRODUCER_EPOCH;
        int baseSequence = hasProducer ? header.getBaseSequence() : NO_SEQUENCE;
        if (records.getRecordsCount() == 0) {
            ByteBuffer empty = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
            DefaultRecordBatch.writeEmptyHeader(empty, MAGIC, producerId, producerEpoch, baseSequence, baseOffset,
                    lastOffset, header.getLeaderEpoch(), TimestampType.CREATE_TIME, header.getMaxTimestampMs(), false,
                    false);
            empty.flip();
            out.write(empty);
            return;
        }
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, MAGIC, compression(header.getCodec()),
                TimestampType.CREATE_TIME, baseOffset, NO_TIMESTAMP, producerId, producerEpoch, baseSequence, false,
                false, header.getLeaderEpoch(), Integer.MAX_VALUE);
        int index = 0;
        for (LogRecord record : records.getRecordsList()) {
            long offset = baseOffset + (record.hasOffsetDelta() ? record.getOffsetDelta() : index);
            builder.appendWithOffset(offset, header.getFirstTimestampMs() + record.getTimestampDeltaMs(),
                    record.hasKey() ? record.getKey().asReadOnlyByteBuffer() : null,
                    record.hasValue() ? record.getValue().asReadOnlyByteBuffer() : null, headers(record));
            index++;
        }
        if (header.hasLastOffsetDelta()) {
            builder.overrideLastOffset(lastOffset);
        }
        builder.close();
    }

    private static Records records(RecordBatch batch) throws InvalidProtocolBufferException, IOException {
        Codec codec = batch.getHeader().getCodec();
        if (codec == Codec.CODEC_NONE) {
            return batch.getRecords();
        }
        return Records.parseFrom(BatchCompression.decompress(codec, batch.getCompressedRecords().toByteArray()));
    }

    private static Header[] headers(LogRecord record) {
        Header[] headers = new Header[record.getHeadersCount()];
        for (int i = 0; i < headers.length; i++) {
            RecordHeader header = record.getHeaders(i);
            headers[i] = new org.apache.kafka.common.header.internals.RecordHeader(header.getKey(),
                    header.getValue().toByteArray());
        }
        return headers;
    }

    private static Compression compression(Codec codec) {
        return switch (codec) {
            case CODEC_GZIP -> Compression.of(CompressionType.GZIP).build();
            case CODEC_SNAPPY -> Compression.of(CompressionType.SNAPPY).build();
            case CODEC_LZ4 -> Compression.of(CompressionType.LZ4).build();
            case CODEC_ZSTD -> Compression.of(CompressionType.ZSTD).build();
            case CODEC_NONE, UNRECOGNIZED -> Compression.NONE;
        };
    }
}
