package dev.sluice.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.wire.BatchFields;
import java.io.IOException;

/**
 * Checks a produced batch's serialized {@code sluice.v1.Records} (decompressed first when the batch is compressed)
 * the way consumers and the log cleaner will read it, so that nothing the broker accepts can stop them later: a
 * consumer that cannot decode a batch, or that reads a different number of records than the header promised, gets
 * stuck on that offset for good (Kafka's LogValidator exists for the same reason).
 *
 * <p>It walks the tags with one {@link CodedInputStream} and skips key and value bytes; no record, header or array is
 * made, so the cost is a few nanoseconds per field. What it requires:
 * <ul>
 *   <li>the bytes parse as {@code Records}: every length fits, no truncation, no stray end-group tag
 *       ({@code CORRUPT_MESSAGE});</li>
 *   <li>the fields a reader uses have their declared wire types: {@code records}, {@code key}, {@code value},
 *       {@code headers} and a header's {@code key}/{@code value} length-delimited, {@code timestamp_delta_ms} a
 *       varint; a header key is UTF-8, since a generated parser refuses a {@code string} that is not
 *       ({@code CORRUPT_MESSAGE});</li>
 *   <li>no record sets {@code offset_delta}: only log compaction writes it, and a reader that sees one places the
 *       record at that offset, so a produced one would make offsets collide ({@code INVALID_RECORD});</li>
 *   <li>every record's timestamp, {@code first_timestamp_ms + timestamp_delta_ms}, does not overflow and is at most
 *       the header's {@code max_timestamp_ms}, which retention and time lookups trust ({@code INVALID_RECORD});</li>
 *   <li>the number of records equals {@code record_count}, which offsets are assigned from
 *       ({@code INVALID_RECORD}).</li>
 * </ul>
 * Unknown fields are skipped, as a generated parser does, so newer clients can add fields. The field numbers are the
 * ones the producer writes and the consumer reads ({@link BatchFields}).
 *
 * <p>Pure, stateless and thread-safe.
 */
final class RecordsCheck {
    private RecordsCheck() {
    }

    /**
     * Checks serialized {@code Records} against the batch's header.
     *
     * @return null when the records are fine, else the refusal
     */
    static ValidationResult.Invalid check(ByteString records, RecordBatchHeader header) {
        int count;
        try {
            count = walk(records, header);
        } catch (Refusal refusal) {
            return refusal.result;
        } catch (IOException e) {
            return new ValidationResult.Invalid(ErrorCode.CORRUPT_MESSAGE, "records do not parse: " + e.getMessage());
        }
        if (count != header.getRecordCount()) {
            return new ValidationResult.Invalid(ErrorCode.INVALID_RECORD,
                    "record_count is " + header.getRecordCount() + " but the batch holds " + count + " records");
        }
        return null;
    }

    /** Checks every record; returns how many there are. */
    private static int walk(ByteString records, RecordBatchHeader header) throws IOException {
        CodedInputStream in = records.newCodedInput();
        int count = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != BatchFields.RECORDS_RECORD) {
                skipUnknown(in, tag, count);
                continue;
            }
            requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, count);
            int limit = in.pushLimit(in.readRawVarint32());
            checkRecord(in, records, header, count);
            in.popLimit(limit);
            count++;
        }
        return count;
    }

    private static void checkRecord(CodedInputStream in, ByteString records, RecordBatchHeader header, int index)
            throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case BatchFields.RECORD_KEY, BatchFields.RECORD_VALUE -> {
                    requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, index);
                    in.skipField(tag);
                }
                case BatchFields.RECORD_HEADERS -> {
                    requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, index);
                    int limit = in.pushLimit(in.readRawVarint32());
                    checkHeader(in, records, index);
                    in.popLimit(limit);
                }
                case BatchFields.RECORD_TIMESTAMP_DELTA_MS -> {
                    requireWireType(tag, WireFormat.WIRETYPE_VARINT, index);
                    checkTimestamp(header, in.readInt64(), index);
                }
                case BatchFields.RECORD_OFFSET_DELTA -> throw new Refusal(ErrorCode.INVALID_RECORD,
                        "record " + index + " sets offset_delta, which only log compaction may set");
                default -> skipUnknown(in, tag, index);
            }
        }
    }

    private static void checkHeader(CodedInputStream in, ByteString records, int index) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == BatchFields.HEADER_KEY) {
                requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, index);
                int length = in.readRawVarint32();
                int start = in.getTotalBytesRead();
                in.skipRawBytes(length);
                if (!records.substring(start, start + length).isValidUtf8()) {
                    throw new Refusal(ErrorCode.CORRUPT_MESSAGE, "record " + index + " has a header key that is not "
                            + "UTF-8");
                }
            } else if (field == BatchFields.HEADER_VALUE) {
                requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, index);
                in.skipField(tag);
            } else {
                skipUnknown(in, tag, index);
            }
        }
    }

    private static void checkTimestamp(RecordBatchHeader header, long deltaMs, int index) {
        long first = header.getFirstTimestampMs();
        long timestamp = first + deltaMs;
        boolean overflow = ((first ^ timestamp) & (deltaMs ^ timestamp)) < 0;
        if (overflow || timestamp > header.getMaxTimestampMs()) {
            throw new Refusal(ErrorCode.INVALID_RECORD, "record " + index + " has timestamp_delta_ms " + deltaMs
                    + ", which puts it after the batch's max_timestamp_ms " + header.getMaxTimestampMs());
        }
    }

    private static void requireWireType(int tag, int wireType, int index) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new Refusal(ErrorCode.CORRUPT_MESSAGE, "record " + index + ": field "
                    + WireFormat.getTagFieldNumber(tag) + " has wire type " + WireFormat.getTagWireType(tag)
                    + ", expected " + wireType);
        }
    }

    private static void skipUnknown(CodedInputStream in, int tag, int index) throws IOException {
        if (!in.skipField(tag)) {
            throw new Refusal(ErrorCode.CORRUPT_MESSAGE, "record " + index + ": unexpected end-group tag");
        }
    }

    /** A typed refusal thrown out of the walk; without a stack trace, since it is an answer, not a fault. */
    private static final class Refusal extends RuntimeException {
        private final ValidationResult.Invalid result;

        Refusal(ErrorCode error, String message) {
            super(message, null, false, false);
            this.result = new ValidationResult.Invalid(error, message);
        }
    }
}
