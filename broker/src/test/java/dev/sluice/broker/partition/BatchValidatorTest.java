package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.BatchChecksum;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatchHeader;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {

    private static final int MAX_BYTES = 1 << 20;

    private static RecordBatchView good() {
        return TestBatches.batch(3);
    }

    private static RecordBatchView withHeader(RecordBatchView batch, RecordBatchHeader.Builder header) {
        return batch.toBuilder().setHeader(header).build();
    }

    private static ErrorCode errorOf(RecordBatchView batch) {
        ValidationResult result = BatchValidator.validate(batch, MAX_BYTES);
        return result instanceof ValidationResult.Invalid invalid ? invalid.error() : ErrorCode.NONE;
    }

    @Test
    void acceptsAGoodBatchAndComputesTheMissingCrc() {
        RecordBatchView batch = good();

        ValidationResult result = BatchValidator.validate(batch, MAX_BYTES);

        assertThat(result).isInstanceOf(ValidationResult.Valid.class);
        RecordBatchView checked = ((ValidationResult.Valid) result).batch();
        assertThat(checked.getHeader().getCrc32C()).isEqualTo(BatchChecksum.crc32c(batch.getRecords()));
        assertThat(checked.getRecords()).isSameAs(batch.getRecords());
    }

    @Test
    void acceptsAMatchingCrc() {
        RecordBatchView batch = good();
        int crc = BatchChecksum.crc32c(batch.getRecords());
        RecordBatchView withCrc = withHeader(batch, batch.getHeader().toBuilder().setCrc32C(crc));

        assertThat(BatchValidator.validate(withCrc, MAX_BYTES))
                .isEqualTo(new ValidationResult.Valid(withCrc));
    }

    @Test
    void rejectsABadCrcAsCorrupt() {
        RecordBatchView batch = good();
        int crc = BatchChecksum.crc32c(batch.getRecords());

        assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setCrc32C(crc + 1))))
                .isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void rejectsARecordCountMismatch() {
        RecordBatchView batch = good();

        assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setRecordCount(2))))
                .isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setRecordCount(4))))
                .isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setRecordCount(0))))
                .isEqualTo(ErrorCode.INVALID_RECORD);
    }

    @Test
    void rejectsRecordsBytesThatDoNotParse() {
        RecordBatchView batch = good().toBuilder()
                .setRecords(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build();

        assertThat(errorOf(batch)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    }

    @Test
    void rejectsAnOversizeBatch() {
        RecordBatchView batch = good();

        ValidationResult result = BatchValidator.validate(batch, batch.getSerializedSize() - 1);

        assertThat(result).isInstanceOf(ValidationResult.Invalid.class);
        assertThat(((ValidationResult.Invalid) result).error()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(BatchValidator.validate(batch, batch.getSerializedSize()))
                .isInstanceOf(ValidationResult.Valid.class);
    }

    @Test
    void requiresExactlyOneRecordsField() {
        RecordBatchView both = good().toBuilder().setCompressedRecords(ByteString.copyFromUtf8("zz")).build();
        RecordBatchView neither = good().toBuilder().clearRecords().build();

        assertThat(errorOf(both)).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(neither)).isEqualTo(ErrorCode.INVALID_RECORD);
    }

    @Test
    void requiresACodecExactlyWhenCompressed() {
        RecordBatchView plain = good();
        RecordBatchView compressed = plain.toBuilder().clearRecords()
                .setCompressedRecords(ByteString.copyFromUtf8("not really zstd")).build();

        assertThat(errorOf(withHeader(plain, plain.getHeader().toBuilder().setCodec(Codec.CODEC_ZSTD))))
                .isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(compressed)).isEqualTo(ErrorCode.INVALID_RECORD);
        // The broker never decompresses, so a compressed batch's record count is trusted.
        assertThat(errorOf(withHeader(compressed, compressed.getHeader().toBuilder().setCodec(Codec.CODEC_ZSTD))))
                .isEqualTo(ErrorCode.NONE);
        assertThat(errorOf(withHeader(compressed, compressed.getHeader().toBuilder().setCodecValue(42))))
                .isEqualTo(ErrorCode.UNSUPPORTED_COMPRESSION);
    }

    @Test
    void rejectsAMissingHeaderAndBackwardsTimestamps() {
        RecordBatchView batch = good();

        assertThat(errorOf(batch.toBuilder().clearHeader().build())).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setMaxTimestampMs(999))))
                .isEqualTo(ErrorCode.INVALID_RECORD);
    }

    @Test
    void countsRecordsWithoutDecodingThem() throws Exception {
        assertThat(BatchValidator.countRecords(ByteString.EMPTY)).isZero();
        assertThat(BatchValidator.countRecords(TestBatches.batch(17).getRecords())).isEqualTo(17);
    }
}
