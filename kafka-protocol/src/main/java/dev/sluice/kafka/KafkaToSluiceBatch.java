package dev.sluice.kafka;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchCompression;
import java.util.Iterator;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Transcodes the record batch of a Kafka Produce request (magic v2, as every Kafka client since 0.11 writes) into
 * the Sluice batch the broker's {@code ProduceHandler} takes: the same records, keys, values, headers and timestamps,
 * the same producer id, epoch and base sequence (so idempotence works unchanged), compressed again with the same
 * codec in Sluice's framing. Kafka's CRC is checked here, over the bytes as they came; the broker computes Sluice's
 * CRC32C over what it stores. Offsets are the broker's to assign, as in Kafka. Pure; any thread.
 *
 * <p>What does not transcode is refused with a Kafka error and nothing is written: a request part holding other than
 * exactly one batch or an older magic ({@code INVALID_RECORD}, as Kafka refuses them from v3 on), a bad CRC or a batch
 * that does not decode ({@code CORRUPT_MESSAGE}), transactional and control batches ({@code INVALID_RECORD}: Sluice
 * has no transactions yet), and a producer id of 0, which Sluice never hands out ({@code UNKNOWN_PRODUCER_ID}).
 * A header whose value is null is stored with an empty value: Sluice's header values cannot be null.
 */
final class KafkaToSluiceBatch {
    private KafkaToSluiceBatch() {
    }

    /** Why a batch was refused: the Kafka error and a message for the client. */
    static final class RefusedBatchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Errors error;

        RefusedBatchException(Errors error, String message) {
            super(message);
            this.error = error;
        }

        Errors error() {
            return error;
        }
    }

    static RecordBatchView transcode(MemoryRecords records) throws RefusedBatchException {
        Iterator<? extends RecordBatch> batches = records.batches().iterator();
        if (!batches.hasNext()) {
            throw new RefusedBatchException(Errors.INVALID_RECORD, "the request holds no record batch");
        }
        RecordBatch batch = batches.next();
        if (batches.hasNext()) {
            throw new RefusedBatchException(Errors.INVALID_RECORD, "a produce request holds one batch per partition");
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new RefusedBatchException(Errors.INVALID_RECORD, "record batch magic " + batch.magic()
                    + " is not supported; only magic 2 (Kafka 0.11 and later)");
        }
        if (batch.isTransactional() || batch.isControlBatch()) {
            throw new RefusedBatchException(Errors.INVALID_RECORD, "transactional and control batches are not "
                    + "supported: Sluice has no transactions yet");
        }
        if (batch.hasProducerId() && batch.producerId() == 0) {
            throw new RefusedBatchException(Errors.UNKNOWN_PRODUCER_ID, "producer id 0 was not issued by Sluice");
        }
        try {
            batch.ensureValid();
            return view(batch);
        } catch (CorruptRecordException | InvalidRecordException e) {
            throw new RefusedBatchException(Errors.CORRUPT_MESSAGE, "corrupt record batch: " + e.getMessage());
        } catch (KafkaException | IllegalStateException | java.nio.BufferUnderflowException e) {
            throw new RefusedBatchException(Errors.CORRUPT_MESSAGE, "record batch does not decode: " + e);
        }
    }

    private static RecordBatchView view(RecordBatch batch) throws RefusedBatchException {
        long firstTimestamp = -1;
        long maxTimestamp = -1;
        Records.Builder records = Records.newBuilder();
        int index = 0;
        for (Record record : batch) {
            if (record.offset() != batch.baseOffset() + index) {
                throw new RefusedBatchException(Errors.INVALID_RECORD, "record " + index + " has offset delta "
                        + (record.offset() - batch.baseOffset()) + "; a produced batch numbers its records 0, 1, ...");
            }
            if (index == 0) {
                firstTimestamp = record.timestamp();
            }
            maxTimestamp = Math.max(maxTimestamp, record.timestamp());
            records.addRecords(logRecord(record, firstTimestamp));
            index++;
        }
        if (index == 0) {
            throw new RefusedBatchException(Errors.INVALID_RECORD, "the record batch holds no records");
        }
        Codec codec = codec(batch.compressionType());
        RecordBatchHeader.Builder header = RecordBatchHeader.newBuilder().setRecordCount(index)
                .setFirstTimestampMs(firstTimestamp).setMaxTimestampMs(maxTimestamp).setCodec(codec);
        if (batch.hasProducerId()) {
            header.setProducerId(batch.producerId()).setProducerEpoch(batch.producerEpoch())
                    .setBaseSequence(batch.baseSequence());
        }
        RecordBatchView.Builder view = RecordBatchView.newBuilder().setHeader(header);
        byte[] serialized = records.build().toByteArray();
        if (codec == Codec.CODEC_NONE) {
            return view.setRecords(ByteString.copyFrom(serialized)).build();
        }
        return view.setCompressedRecords(ByteString.copyFrom(BatchCompression.compress(codec, serialized,
                serialized.length))).build();
    }

    private static LogRecord logRecord(Record record, long firstTimestamp) {
        LogRecord.Builder built = LogRecord.newBuilder().setTimestampDeltaMs(record.timestamp() - firstTimestamp);
        if (record.hasKey()) {
            built.setKey(ByteString.copyFrom(record.key()));
        }
        if (record.hasValue()) {
            built.setValue(ByteString.copyFrom(record.value()));
        }
        for (Header header : record.headers()) {
            byte[] value = header.value();
            built.addHeaders(RecordHeader.newBuilder().setKey(header.key())
                    .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)));
        }
        return built.build();
    }

    static Codec codec(CompressionType type) {
        return switch (type) {
            case NONE -> Codec.CODEC_NONE;
            case GZIP -> Codec.CODEC_GZIP;
            case SNAPPY -> Codec.CODEC_SNAPPY;
            case LZ4 -> Codec.CODEC_LZ4;
            case ZSTD -> Codec.CODEC_ZSTD;
        };
    }
}
