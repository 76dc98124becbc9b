package dev.sluice.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.sluice.broker.log.BatchChecksum;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatchHeader;
import java.io.IOException;

/**
 * Checks a produced batch before it is appended. Pure, stateless and thread-safe; never decodes a record.
 *
 * <p>Checks, in order (the first failure wins):
 * <ol>
 *   <li>the serialized batch fits {@code max.message.bytes} ({@code MESSAGE_TOO_LARGE});</li>
 *   <li>a header is present, {@code record_count >= 1}, {@code max_timestamp_ms >= first_timestamp_ms},
 *       {@code producer_id >= 0}, and with a producer id {@code base_sequence >= 0}; no
 *       {@code last_offset_delta}, which only the log cleaner sets ({@code INVALID_RECORD});</li>
 *   <li>exactly one of {@code records} / {@code compressed_records} is non-empty, and the codec is
 *       {@code CODEC_NONE} exactly when the records are uncompressed ({@code INVALID_RECORD}; an unknown
 *       codec is {@code UNSUPPORTED_COMPRESSION});</li>
 *   <li>the CRC32C of the records bytes matches the header's when given ({@code CORRUPT_MESSAGE}); when
 *       absent it is computed and set;</li>
 *   <li>for uncompressed batches, the records bytes are well-formed at the top level and hold exactly
 *       {@code record_count} records, counted by walking the field-1 tags and skipping each payload
 *       ({@code CORRUPT_MESSAGE} / {@code INVALID_RECORD}). Compressed batches cannot be counted without
 *       decompressing, which the broker never does; their count is trusted.</li>
 * </ol>
 */
public final class BatchValidator {

    private static final int RECORDS_FIELD = 1;

    private BatchValidator() {
    }

    /** Validates {@code batch} against {@code maxMessageBytes} (the topic's {@code max.message.bytes}). */
    public static ValidationResult validate(RecordBatchView batch, int maxMessageBytes) {
        int sizeBytes = batch.getSerializedSize();
        if (sizeBytes > maxMessageBytes) {
            return invalid(ErrorCode.MESSAGE_TOO_LARGE,
                    "batch of " + sizeBytes + " bytes exceeds max.message.bytes " + maxMessageBytes);
        }
        ValidationResult shape = checkShape(batch);
        if (shape != null) {
            return shape;
        }
        RecordBatchHeader header = batch.getHeader();
        boolean compressed = batch.getRecords().isEmpty();
        ByteString payload = compressed ? batch.getCompressedRecords() : batch.getRecords();
        int crc = BatchChecksum.crc32c(payload);
        if (header.hasCrc32C() && header.getCrc32C() != crc) {
            return invalid(ErrorCode.CORRUPT_MESSAGE, String.format(
                    "CRC32C mismatch: header says %08x, records bytes give %08x", header.getCrc32C(), crc));
        }
        if (!compressed) {
            ValidationResult count = checkRecordCount(payload, header.getRecordCount());
            if (count != null) {
                return count;
            }
        }
        RecordBatchView checked = header.hasCrc32C() ? batch
                : batch.toBuilder().setHeader(header.toBuilder().setCrc32C(crc)).build();
        return new ValidationResult.Valid(checked);
    }

    /** Header, count, timestamps, record fields and codec; null when all are fine. */
    private static ValidationResult checkShape(RecordBatchView batch) {
        if (!batch.hasHeader()) {
            return invalid(ErrorCode.INVALID_RECORD, "batch has no header");
        }
        RecordBatchHeader header = batch.getHeader();
        if (header.getRecordCount() < 1) {
            return invalid(ErrorCode.INVALID_RECORD, "record_count must be >= 1, was " + header.getRecordCount());
        }
        if (header.getMaxTimestampMs() < header.getFirstTimestampMs()) {
            return invalid(ErrorCode.INVALID_RECORD, "max_timestamp_ms " + header.getMaxTimestampMs()
                    + " is before first_timestamp_ms " + header.getFirstTimestampMs());
        }
        if (header.hasLastOffsetDelta()) {
            return invalid(ErrorCode.INVALID_RECORD, "last_offset_delta is set only by log compaction");
        }
        if (header.getProducerId() < 0 || header.getProducerId() > 0 && header.getBaseSequence() < 0) {
            return invalid(ErrorCode.INVALID_RECORD, "bad idempotent producer fields: producer_id="
                    + header.getProducerId() + " base_sequence=" + header.getBaseSequence());
        }
        boolean hasRecords = !batch.getRecords().isEmpty();
        boolean hasCompressed = !batch.getCompressedRecords().isEmpty();
        if (hasRecords == hasCompressed) {
            return invalid(ErrorCode.INVALID_RECORD, hasRecords
                    ? "batch has both records and compressed_records"
                    : "batch has neither records nor compressed_records");
        }
        Codec codec = header.getCodec();
        if (codec == Codec.UNRECOGNIZED) {
            return invalid(ErrorCode.UNSUPPORTED_COMPRESSION, "unknown codec " + header.getCodecValue());
        }
        if (hasRecords && codec != Codec.CODEC_NONE) {
            return invalid(ErrorCode.INVALID_RECORD, "codec " + codec + " given but records are uncompressed");
        }
        if (hasCompressed && codec == Codec.CODEC_NONE) {
            return invalid(ErrorCode.INVALID_RECORD, "compressed_records given with CODEC_NONE");
        }
        return null;
    }

    private static ValidationResult checkRecordCount(ByteString records, int expectedCount) {
        int count;
        try {
            count = countRecords(records);
        } catch (IOException e) {
            return invalid(ErrorCode.CORRUPT_MESSAGE, "records bytes do not parse: " + e.getMessage());
        }
        if (count != expectedCount) {
            return invalid(ErrorCode.INVALID_RECORD,
                    "record_count is " + expectedCount + " but the batch holds " + count + " records");
        }
        return null;
    }

    /**
     * Counts the occurrences of field 1 (repeated LogRecord) in a serialized {@code Records} message by
     * reading tags and skipping payloads. Other fields are skipped as unknown fields, as protobuf would.
     */
    static int countRecords(ByteString records) throws IOException {
        CodedInputStream input = records.newCodedInput();
        int count = 0;
        for (int tag = input.readTag(); tag != 0; tag = input.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == RECORDS_FIELD) {
                if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    throw new IOException("field 1 has wire type " + WireFormat.getTagWireType(tag));
                }
                count++;
            }
            if (!input.skipField(tag)) {
                throw new IOException("unexpected end-group tag");
            }
        }
        return count;
    }

    private static ValidationResult invalid(ErrorCode error, String message) {
        return new ValidationResult.Invalid(error, message);
    }
}
