package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    /** The batch of {@link #good()} with its records compressed by {@code codec}, CRC set as a client sets it. */
    private static RecordBatchView compressed(RecordBatchView plain, Codec codec) {
        byte[] records = plain.getRecords().toByteArray();
        return compressedBytes(plain.getHeader().toBuilder(), codec,
                BatchCompression.compress(codec, records, records.length));
    }

    private static RecordBatchView compressedBytes(RecordBatchHeader.Builder header, Codec codec, byte[] bytes) {
        ByteString payload = ByteString.copyFrom(bytes);
        return RecordBatchView.newBuilder()
                .setHeader(header.setCodec(codec).setCrc32C(BatchChecksum.crc32c(payload)))
                .setCompressedRecords(payload).build();
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void acceptsAGoodCompressedBatchAndStoresItsBytesAsTheyCame(Codec codec) {
        RecordBatchView batch = compressed(good(), codec);

        ValidationResult result = BatchValidator.validate(batch, MAX_BYTES);

        assertThat(result).isEqualTo(new ValidationResult.Valid(batch));
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void aCompressedBatchWhoseCountDisagreesWithItsContentIsRefused(Codec codec) {
        RecordBatchView batch = compressed(good(), codec);

        for (int lie : new int[] {2, 4, 1000}) {
            assertThat(errorOf(withHeader(batch, batch.getHeader().toBuilder().setRecordCount(lie))))
                    .as("record_count %d for 3 records", lie).isEqualTo(ErrorCode.INVALID_RECORD);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void bytesThatDoNotDecompressAreCorruptEvenWithAMatchingCrc(Codec codec) {
        byte[] valid = compressed(good(), codec).getCompressedRecords().toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        byte[] noise = "this is not a compressed stream at all".getBytes(StandardCharsets.US_ASCII);

        for (byte[] bytes : List.of(truncated, noise)) {
            ValidationResult result = BatchValidator.validate(
                    compressedBytes(good().getHeader().toBuilder(), codec, bytes), MAX_BYTES);
            assertThat(result).isInstanceOf(ValidationResult.Invalid.class);
            assertThat(((ValidationResult.Invalid) result).error()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void decompressedBytesThatAreNotRecordsAreCorrupt(Codec codec) {
        byte[] truncatedRecords = java.util.Arrays.copyOf(good().getRecords().toByteArray(),
                good().getRecords().size() - 4);
        byte[] notRecords = {0x0a, 0x7f, 0x01};

        for (byte[] plain : List.of(truncatedRecords, notRecords)) {
            RecordBatchView batch = compressedBytes(good().getHeader().toBuilder(), codec,
                    BatchCompression.compress(codec, plain, plain.length));
            assertThat(errorOf(batch)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_LZ4", "CODEC_ZSTD"})
    void aDecompressionBombIsRefusedAsTooLarge(Codec codec) {
        int maxMessageBytes = 4096;
        byte[] zeros = new byte[BatchValidator.decompressedLimitBytes(maxMessageBytes) + 1];
        RecordBatchView bomb = compressedBytes(good().getHeader().toBuilder(), codec,
                BatchCompression.compress(codec, zeros, zeros.length));
        assertThat(bomb.getSerializedSize()).isLessThan(maxMessageBytes);

        ValidationResult result = BatchValidator.validate(bomb, maxMessageBytes);

        assertThat(result).isInstanceOf(ValidationResult.Invalid.class);
        assertThat(((ValidationResult.Invalid) result).error()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    }

    @Test
    void aSnappyBlockDeclaringAHugeLengthIsRefusedBeforeAnyAllocation() {
        // Snappy's preamble is the uncompressed length as a varint: here 2^31 - 1, followed by nothing useful.
        byte[] bomb = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00, 0x00};

        assertThat(errorOf(compressedBytes(good().getHeader().toBuilder(), Codec.CODEC_SNAPPY, bomb)))
                .isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    }

    @Test
    void uncompressedRecordsGetTheSameRecordLevelChecks() {
        RecordBatchView batch = good();
        ByteString withOffsetDelta = Records.newBuilder().addRecords(LogRecord.newBuilder()
                .setValue(ByteString.copyFromUtf8("v")).setOffsetDelta(5)).build().toByteString();

        assertThat(errorOf(withHeader(batch.toBuilder().setRecords(withOffsetDelta).build(),
                batch.getHeader().toBuilder().setRecordCount(1)))).isEqualTo(ErrorCode.INVALID_RECORD);
    }
}
