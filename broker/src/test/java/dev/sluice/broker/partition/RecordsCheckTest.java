package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Crafted {@code Records} bytes: what a consumer or the log cleaner could not read is refused, the rest passes. */
class RecordsCheckTest {

    private static final long FIRST_MS = 1_000;
    private static final long MAX_MS = 1_010;

    private static RecordBatchHeader header(int recordCount) {
        return RecordBatchHeader.newBuilder().setRecordCount(recordCount).setFirstTimestampMs(FIRST_MS)
                .setMaxTimestampMs(MAX_MS).build();
    }

    private static LogRecord.Builder record(String value) {
        return LogRecord.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8(value));
    }

    /** Serialized Records whose entries are the given serialized LogRecord bodies, each as field 1. */
    private static ByteString records(ByteString... bodies) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (ByteString body : bodies) {
            out.writeBytes(1, body);
        }
        out.flush();
        return ByteString.copyFrom(bytes.toByteArray());
    }

    /** A LogRecord body written field by field, so wire types and values can be anything. */
    private static ByteString body(FieldWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return ByteString.copyFrom(bytes.toByteArray());
    }

    private interface FieldWriter {
        void write(CodedOutputStream out) throws IOException;
    }

    private static ErrorCode errorOf(ByteString records, int recordCount) {
        ValidationResult.Invalid invalid = RecordsCheck.check(records, header(recordCount));
        return invalid == null ? ErrorCode.NONE : invalid.error();
    }

    @Test
    void acceptsWhatAGeneratedClientWrites() {
        Records records = Records.newBuilder()
                .addRecords(record("a").addHeaders(RecordHeader.newBuilder().setKey("trace-id")
                        .setValue(ByteString.copyFromUtf8("x"))))
                .addRecords(LogRecord.newBuilder().setTimestampDeltaMs(10))    // null key, tombstone
                .addRecords(record("c").setTimestampDeltaMs(-500))             // earlier than the first: allowed
                .build();

        assertThat(RecordsCheck.check(records.toByteString(), header(3))).isNull();
        assertThat(RecordsCheck.check(TestBatches.batch(17).getRecords(), TestBatches.batch(17).getHeader())).isNull();
    }

    @Test
    void skipsUnknownFieldsAsAGeneratedParserWould() throws IOException {
        ByteString withUnknown = body(out -> {
            out.writeBytes(2, ByteString.copyFromUtf8("v"));
            out.writeUInt64(9, 42);
            out.writeBytes(10, ByteString.copyFromUtf8("from a newer client"));
        });

        assertThat(errorOf(records(withUnknown), 1)).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void theCountMustMatchTheHeader() throws IOException {
        ByteString two = records(record("a").build().toByteString(), record("b").build().toByteString());

        assertThat(errorOf(two, 2)).isEqualTo(ErrorCode.NONE);
        assertThat(errorOf(two, 1)).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(two, 3)).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(RecordsCheck.check(two, header(3)).message()).contains("holds 2 records");
    }

    @Test
    void truncatedRecordsAreCorrupt() throws IOException {
        ByteString whole = records(record("a").build().toByteString(), record("bbbbbbbb").build().toByteString());

        for (int cut = 1; cut < whole.size(); cut++) {
            ErrorCode error = errorOf(whole.substring(0, cut), 2);
            assertThat(error).as("cut at %d of %d", cut, whole.size()).isIn(ErrorCode.CORRUPT_MESSAGE,
                    ErrorCode.INVALID_RECORD);
        }
        // A cut inside the second record is a parse failure, not merely a short count.
        assertThat(errorOf(whole.substring(0, whole.size() - 3), 2)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void aKnownFieldWithTheWrongWireTypeIsCorrupt() throws IOException {
        ByteString keyAsVarint = body(out -> out.writeUInt64(1, 7));
        ByteString timestampAsBytes = body(out -> out.writeBytes(4, ByteString.copyFromUtf8("x")));
        ByteString recordAsVarint = body(out -> out.writeUInt64(1, 3));

        assertThat(errorOf(records(keyAsVarint), 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        assertThat(errorOf(records(timestampAsBytes), 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        assertThat(errorOf(recordAsVarint, 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void aHeaderKeyThatIsNotUtf8IsCorrupt() throws IOException {
        ByteString header = body(out -> out.writeBytes(1, ByteString.copyFrom(new byte[] {'a', (byte) 0xC3})));
        ByteString badHeader = body(out -> out.writeBytes(3, header));

        assertThat(errorOf(records(badHeader), 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void aStrayEndGroupTagIsCorrupt() throws IOException {
        ByteString endGroup = body(out -> out.writeTag(7, WireFormat.WIRETYPE_END_GROUP));

        assertThat(errorOf(records(endGroup), 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void aProducedOffsetDeltaIsRefusedSinceOffsetsWouldCollide() throws IOException {
        ByteString first = record("a").setOffsetDelta(1).build().toByteString();
        ByteString second = record("b").build().toByteString();

        ValidationResult.Invalid invalid = RecordsCheck.check(records(first, second), header(2));

        assertThat(invalid.error()).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(invalid.message()).contains("offset_delta");
    }

    @Test
    void aRecordTimestampAfterTheHeadersMaxIsRefused() throws IOException {
        ByteString atMax = record("a").setTimestampDeltaMs(MAX_MS - FIRST_MS).build().toByteString();
        ByteString afterMax = record("a").setTimestampDeltaMs(MAX_MS - FIRST_MS + 1).build().toByteString();
        ByteString overflowing = record("a").setTimestampDeltaMs(Long.MAX_VALUE).build().toByteString();

        assertThat(errorOf(records(atMax), 1)).isEqualTo(ErrorCode.NONE);
        assertThat(errorOf(records(afterMax), 1)).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(records(overflowing), 1)).isEqualTo(ErrorCode.INVALID_RECORD);
    }

    @Test
    void aNegativeLengthIsCorrupt() throws IOException {
        ByteString negativeValueLength = body(out -> {
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(-1);
        });

        assertThat(errorOf(records(negativeValueLength), 1)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }
}
