package dev.sluice.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.TopicPartition;
import dev.sluice.client.internal.FetchedRecords;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The oracle behind "every batch the broker accepts is one it can serve": stores an accepted batch the way the log
 * does (base offset, leader epoch, append time, CRC), then reads it back as every reader of the log will: the Java
 * consumer ({@link FetchedRecords}, the real fetch-side decoder), the log cleaner (the generated {@code Records} parser
 * after unbounded decompression), and consumers of earlier versions, which decompressed with the codec libraries' own
 * decoders ({@link LibraryDecompression}). Each must see exactly {@code record_count} records at consecutive offsets,
 * with timestamps no later than {@code max_timestamp_ms}.
 * Throws {@link AssertionError} naming what differs.
 */
public final class ServedBatch {
    private static final long BASE_OFFSET = 1_000;
    private static final TopicPartition PARTITION = new TopicPartition("fuzz", 0);
    private static final ByteArrayDeserializer BYTES = new ByteArrayDeserializer();

    /** The codes {@link BatchValidator} documents; any other refusal is a bug. */
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.CORRUPT_MESSAGE, ErrorCode.INVALID_RECORD,
            ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.UNSUPPORTED_COMPRESSION);

    private ServedBatch() {
    }

    /** The verdict oracle: a refusal with a documented code and a message, or an accepted batch that can be served. */
    public static void judge(ValidationResult result) {
        if (result instanceof ValidationResult.Invalid invalid) {
            if (!REFUSALS.contains(invalid.error()) || invalid.message() == null || invalid.message().isBlank()) {
                throw new AssertionError("refusal outside the documented ones: " + invalid);
            }
        } else {
            check(((ValidationResult.Valid) result).batch());
        }
    }

    /** Checks a batch {@link BatchValidator} accepted (its {@code Valid.batch()}). */
    static void check(RecordBatchView accepted) {
        RecordBatchHeader header = accepted.getHeader();
        ByteString payload = header.getCodec() == Codec.CODEC_NONE ? accepted.getRecords()
                : accepted.getCompressedRecords();
        if (!header.hasCrc32C() || header.getCrc32C() != BatchChecksum.crc32c(payload)) {
            throw new AssertionError("accepted batch without the CRC32C of its records bytes: " + header);
        }
        RecordBatchView stored = accepted.toBuilder().setHeader(header.toBuilder()
                .setBaseOffset(BASE_OFFSET).setLeaderEpoch(3).setAppendTimeMs(42)).build();
        checkConsumer(stored);
        checkCleaner(stored);
        checkDecompressionAgrees(stored);
    }

    private static void checkConsumer(RecordBatchView stored) {
        RecordBatchHeader header = stored.getHeader();
        FetchedRecords fetched = new FetchedRecords(PARTITION, 0, List.of(stored.toByteString()));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = fetched.drainTo(out, Integer.MAX_VALUE, BASE_OFFSET, BYTES, BYTES);
        if (out.size() != header.getRecordCount()) {
            throw new AssertionError("the consumer read " + out.size() + " records of an accepted batch with "
                    + "record_count " + header.getRecordCount());
        }
        for (int i = 0; i < out.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = out.get(i);
            if (record.offset() != BASE_OFFSET + i) {
                throw new AssertionError("record " + i + " of an accepted batch has offset " + record.offset()
                        + ", expected " + (BASE_OFFSET + i));
            }
            if (record.timestamp() > header.getMaxTimestampMs()) {
                throw new AssertionError("record " + i + " has timestamp " + record.timestamp()
                        + " after max_timestamp_ms " + header.getMaxTimestampMs());
            }
        }
        if (next != BASE_OFFSET + header.getRecordCount() || !fetched.isExhausted()) {
            throw new AssertionError("the consumer's next offset is " + next + ", expected "
                    + (BASE_OFFSET + header.getRecordCount()));
        }
    }

    /** The log cleaner decodes stored batches with the generated parser (see {@code PartitionCompactor}). */
    private static void checkCleaner(RecordBatchView stored) {
        RecordBatchHeader header = stored.getHeader();
        Records records;
        try {
            RecordBatchView reparsed = RecordBatchView.parseFrom(stored.toByteArray());
            records = Records.parseFrom(header.getCodec() == Codec.CODEC_NONE ? reparsed.getRecords().toByteArray()
                    : BatchCompression.decompress(header.getCodec(), reparsed.getCompressedRecords().toByteArray()));
        } catch (IOException e) {
            throw new AssertionError("the log cleaner cannot decode an accepted batch", e);
        }
        if (records.getRecordsCount() != header.getRecordCount()) {
            throw new AssertionError("the log cleaner reads " + records.getRecordsCount() + " records, record_count is "
                    + header.getRecordCount());
        }
        for (LogRecord record : records.getRecordsList()) {
            if (record.hasOffsetDelta()) {
                throw new AssertionError("an accepted batch has a record with offset_delta");
            }
        }
    }

    /**
     * The shared decoders ({@code BatchCompression}, which the broker validates with and the consumer reads with) must
     * produce exactly what the codec libraries' own decoders do, which consumers of earlier versions read with.
     */
    private static void checkDecompressionAgrees(RecordBatchView stored) {
        Codec codec = stored.getHeader().getCodec();
        if (codec == Codec.CODEC_NONE) {
            return;
        }
        byte[] input = stored.getCompressedRecords().toByteArray();
        try {
            byte[] shared = BatchCompression.decompress(codec, input);
            byte[] library = LibraryDecompression.decompress(codec, input);
            if (!Arrays.equals(shared, library)) {
                throw new AssertionError(codec + ": the shared decoder gave " + shared.length + " bytes, the library's "
                        + library.length + " different bytes");
            }
        } catch (IOException e) {
            throw new AssertionError(codec + ": an accepted batch does not decompress on one side", e);
        }
    }

    /** Parses bytes as a batch, or null when they are not one (the gRPC layer refuses those before validation). */
    static RecordBatchView parseOrNull(byte[] bytes) {
        try {
            return RecordBatchView.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
