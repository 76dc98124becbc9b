package dev.sluice.wire;

import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;

/**
 * The field numbers that hand-written encoders and decoders use: the producer writes {@code ProduceRequest}s and
 * {@code Records} byte by byte ({@code ProducerBatch}, {@code EncodedProduceRequest}), the consumer reads records
 * straight from the wire ({@code RecordReader}) and the broker walks them to validate a batch ({@code RecordsCheck}).
 *
 * <p>Why one class: a number typed by hand in one of those places and changed in the {@code .proto} file would still
 * compile, and the two sides would then disagree on what a field means without any error, which corrupts data
 * silently. Every constant here is the one protoc generates, so a renumbered field changes them all at once and a
 * removed or renamed one breaks the build. They stay compile-time constants, usable as {@code case} labels.
 *
 * <p>The names are the message's name, then the field's. Every number is at most {@link #MAX_ONE_BYTE_TAG_FIELD},
 * because the producer writes each tag as a single byte ({@code BatchFieldsTest} checks both).
 */
public final class BatchFields {
    /** The largest field number whose tag fits one byte (whatever its wire type). */
    public static final int MAX_ONE_BYTE_TAG_FIELD = 15;

    /** {@code sluice.v1.ProduceRequest.acks}, a varint. */
    public static final int PRODUCE_REQUEST_ACKS = ProduceRequest.ACKS_FIELD_NUMBER;
    /** {@code sluice.v1.ProduceRequest.timeout_ms}, a varint. */
    public static final int PRODUCE_REQUEST_TIMEOUT_MS = ProduceRequest.TIMEOUT_MS_FIELD_NUMBER;
    /** {@code sluice.v1.ProduceRequest.partitions}, repeated {@code ProducePartition}. */
    public static final int PRODUCE_REQUEST_PARTITIONS = ProduceRequest.PARTITIONS_FIELD_NUMBER;

    /** {@code sluice.v1.ProducePartition.topic}, a string. */
    public static final int PRODUCE_PARTITION_TOPIC = ProducePartition.TOPIC_FIELD_NUMBER;
    /** {@code sluice.v1.ProducePartition.partition}, a varint. */
    public static final int PRODUCE_PARTITION_PARTITION = ProducePartition.PARTITION_FIELD_NUMBER;
    /** {@code sluice.v1.ProducePartition.batch}, a {@code RecordBatch}. */
    public static final int PRODUCE_PARTITION_BATCH = ProducePartition.BATCH_FIELD_NUMBER;

    /** {@code sluice.v1.RecordBatch.header}, a {@code RecordBatchHeader}. */
    public static final int BATCH_HEADER = RecordBatch.HEADER_FIELD_NUMBER;
    /** {@code sluice.v1.RecordBatch.records}: the serialized {@code Records} of an uncompressed batch. */
    public static final int BATCH_RECORDS = RecordBatch.RECORDS_FIELD_NUMBER;
    /** {@code sluice.v1.RecordBatch.compressed_records}: the codec's compression of the serialized {@code Records}. */
    public static final int BATCH_COMPRESSED_RECORDS = RecordBatch.COMPRESSED_RECORDS_FIELD_NUMBER;

    /** {@code sluice.v1.Records.records}, repeated {@code LogRecord}. */
    public static final int RECORDS_RECORD = Records.RECORDS_FIELD_NUMBER;

    /** {@code sluice.v1.LogRecord.key}, bytes; absent for a null key. */
    public static final int RECORD_KEY = LogRecord.KEY_FIELD_NUMBER;
    /** {@code sluice.v1.LogRecord.value}, bytes; absent for a null value (a tombstone). */
    public static final int RECORD_VALUE = LogRecord.VALUE_FIELD_NUMBER;
    /** {@code sluice.v1.LogRecord.headers}, repeated {@code RecordHeader}. */
    public static final int RECORD_HEADERS = LogRecord.HEADERS_FIELD_NUMBER;
    /** {@code sluice.v1.LogRecord.timestamp_delta_ms}, a varint (int64). */
    public static final int RECORD_TIMESTAMP_DELTA_MS = LogRecord.TIMESTAMP_DELTA_MS_FIELD_NUMBER;
    /** {@code sluice.v1.LogRecord.offset_delta}, a varint (int32) that only log compaction writes. */
    public static final int RECORD_OFFSET_DELTA = LogRecord.OFFSET_DELTA_FIELD_NUMBER;

    /** {@code sluice.v1.RecordHeader.key}, a UTF-8 string. */
    public static final int HEADER_KEY = RecordHeader.KEY_FIELD_NUMBER;
    /** {@code sluice.v1.RecordHeader.value}, bytes. */
    public static final int HEADER_VALUE = RecordHeader.VALUE_FIELD_NUMBER;

    private BatchFields() {
    }
}
