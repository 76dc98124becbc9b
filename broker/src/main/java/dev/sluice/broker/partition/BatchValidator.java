package dev.sluice.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;

/**
 * Checks a produced batch before it is appended, so that every batch in the log is one every consumer can read.
 * Pure, stateless and thread-safe; it decodes no record into objects (see {@link RecordsCheck}).
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
 *   <li>the CRC32C of the records bytes ({@link BatchChecksum}, the rule the producer follows) matches the
 *       header's when given ({@code CORRUPT_MESSAGE}); when absent it is computed and set;</li>
 *   <li>a compressed batch decompresses with its codec ({@code CORRUPT_MESSAGE}) into at most
 *       {@value #DECOMPRESSED_BYTES_PER_MESSAGE_BYTE} x {@code max.message.bytes} bytes ({@code MESSAGE_TOO_LARGE}), a
 *       bound checked before the memory is taken, so a small "decompression bomb" cannot exhaust the heap;</li>
 *   <li>the records, decompressed or not, pass {@link RecordsCheck}: they parse as {@code Records}, hold exactly
 *       {@code record_count} records, set no {@code offset_delta}, and stay within the header's timestamps
 *       ({@code CORRUPT_MESSAGE} / {@code INVALID_RECORD}).</li>
 * </ol>
 */
public final class BatchValidator {

    /**
     * How much larger than {@code max.message.bytes} a batch's records may be once decompressed. Kafka has no such
     * bound, but it streams records where Sluice decompresses a batch at once; 64 admits compression ratios that
     * real data reaches (text and JSON compress 5 to 20 times) while keeping one batch's memory near the gRPC
     * message limit.
     */
    static final int DECOMPRESSED_BYTES_PER_MESSAGE_BYTE = 64;
    /** The largest array a JVM reliably allocates. */
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

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
        ByteString payload = BatchChecksum.coveredBytes(batch);
        int crc = BatchChecksum.crc32c(payload);
        if (header.hasCrc32C() && header.getCrc32C() != crc) {
            return invalid(ErrorCode.CORRUPT_MESSAGE, String.format(
                    "CRC32C mismatch: header says %08x, records bytes give %08x", header.getCrc32C(), crc));
        }
        ValidationResult.Invalid records = compressed ? checkCompressed(header, payload, maxMessageBytes)
                : RecordsCheck.check(payload, header);
        if (records != null) {
            return records;
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

    /** Decompresses within the bound and checks the records; null when they are fine. */
    private static ValidationResult.Invalid checkCompressed(RecordBatchHeader header, ByteString compressed,
                                                            int maxMessageBytes) {
        int limitBytes = decompressedLimitBytes(maxMessageBytes);
        byte[] records;
        try {
            records = BatchCompression.decompress(header.getCodec(), compressed.toByteArray(), limitBytes);
        } catch (BatchCompression.DecompressedSizeException e) {
            return new ValidationResult.Invalid(ErrorCode.MESSAGE_TOO_LARGE, "compressed_records expand to more than "
                    + limitBytes + " bytes (" + DECOMPRESSED_BYTES_PER_MESSAGE_BYTE + " x max.message.bytes)");
        } catch (IOException | RuntimeException e) {
            // The codec libraries report malformed input with their own unchecked exceptions as well as IOException;
            // either way these are the client's bytes, not a fault of this broker.
            return new ValidationResult.Invalid(ErrorCode.CORRUPT_MESSAGE, "compressed_records do not decompress with "
                    + header.getCodec() + ": " + e.getMessage());
        }
        return RecordsCheck.check(UnsafeByteOperations.unsafeWrap(records), header);
    }

    /** The most bytes a batch of a topic with this {@code max.message.bytes} may decompress to. */
    static int decompressedLimitBytes(int maxMessageBytes) {
        return (int) Math.min(MAX_ARRAY_BYTES, (long) DECOMPRESSED_BYTES_PER_MESSAGE_BYTE * maxMessageBytes);
    }

    private static ValidationResult invalid(ErrorCode error, String message) {
        return new ValidationResult.Invalid(error, message);
    }
}
