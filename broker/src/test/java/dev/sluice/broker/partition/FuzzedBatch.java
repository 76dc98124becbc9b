package dev.sluice.broker.partition;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A produced batch built from fuzzer data the way a client builds one (records written field by field, compressed
 * with the client's real codecs), with occasional deliberate defects: a wrong record count, a record with
 * {@code offset_delta}, a field of the wrong wire type, a header key that is not UTF-8, a timestamp past the
 * header's maximum, a bad CRC, corrupted compressed bytes, or bytes that are not records at all. {@link #clean}
 * says whether any defect was put in: a clean batch must be accepted (a false refusal would lose a good client's
 * data), a defective one may go either way but must then be servable.
 *
 * @param batch the batch as the broker parses it from a Produce request
 * @param clean true when the batch has no defect and fits the size limits the caller gave
 */
record FuzzedBatch(RecordBatchView batch, boolean clean) {
    private static final Codec[] CODECS = {Codec.CODEC_NONE, Codec.CODEC_GZIP, Codec.CODEC_SNAPPY, Codec.CODEC_LZ4,
        Codec.CODEC_ZSTD};
    private static final int MAX_RECORDS = 12;
    private static final int MAX_FIELD_BYTES = 64;
    /** A defect is put in with probability 1 in this, at each place one can go. */
    private static final int DEFECT_ODDS = 12;

    /** Builds a batch; {@code maxMessageBytes} decides whether an otherwise clean batch is still clean. */
    static FuzzedBatch build(FuzzedDataProvider data, int maxMessageBytes) {
        Defects defects = new Defects(data);
        long firstTimestampMs = data.consumeLong(0, 1L << 50);
        int count = data.consumeInt(1, MAX_RECORDS);
        long maxDeltaMs = 0;
        byte[] plain;
        if (defects.next()) {
            plain = data.consumeBytes(data.consumeInt(0, 512));
        } else {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            for (int i = 0; i < count; i++) {
                long deltaMs = data.consumeLong(-1_000, 1_000);
                maxDeltaMs = Math.max(maxDeltaMs, deltaMs);
                writeField(records, 1, record(data, defects, deltaMs));
                if (data.consumeInt(0, DEFECT_ODDS) == 0) {
                    writeUnknownField(records, data); // Unknown fields are skipped by every reader: not a defect.
                }
            }
            plain = records.toByteArray();
        }
        Codec codec = data.pickValue(CODECS);
        ByteString payload = ByteString.copyFrom(codec == Codec.CODEC_NONE ? plain : compressed(data, defects,
                codec, plain));
        RecordBatchHeader.Builder header = RecordBatchHeader.newBuilder()
                .setRecordCount(defects.next() ? data.consumeInt(-2, MAX_RECORDS + 2) : count)
                .setFirstTimestampMs(firstTimestampMs)
                .setMaxTimestampMs(defects.next() ? data.consumeLong(0, 1L << 50) : firstTimestampMs + maxDeltaMs
                        + data.consumeInt(0, 10))
                .setCodec(codec);
        if (data.consumeBoolean()) {
            header.setProducerId(defects.next() ? data.consumeLong(Long.MIN_VALUE, -1) : data.consumeLong(1, 1000))
                    .setProducerEpoch(data.consumeInt(0, 5))
                    .setBaseSequence(defects.next() ? data.consumeInt(Integer.MIN_VALUE, -1) : data.consumeInt(0, 9));
        }
        if (data.consumeBoolean()) {
            header.setCrc32C(defects.next() ? data.consumeInt() : BatchChecksum.crc32c(payload));
        }
        if (defects.next()) {
            header.setLastOffsetDelta(data.consumeInt(0, MAX_RECORDS));
        }
        RecordBatchView.Builder batch = RecordBatchView.newBuilder().setHeader(header);
        if (codec == Codec.CODEC_NONE) {
            batch.setRecords(payload);
        } else {
            batch.setCompressedRecords(payload);
        }
        RecordBatchView built = batch.build();
        boolean fits = built.getSerializedSize() <= maxMessageBytes
                && plain.length <= BatchValidator.decompressedLimitBytes(maxMessageBytes);
        return new FuzzedBatch(built, !defects.any && fits && !payload.isEmpty());
    }

    private static byte[] record(FuzzedDataProvider data, Defects defects, long deltaMs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (data.consumeBoolean()) {
            if (defects.next()) {
                writeVarintField(out, 1, data.consumeLong()); // key as a varint: wrong wire type
            } else {
                writeField(out, 1, data.consumeBytes(MAX_FIELD_BYTES));
            }
        }
        if (data.consumeBoolean()) {
            writeField(out, 2, data.consumeBytes(MAX_FIELD_BYTES));
        }
        for (int i = data.consumeInt(0, 2); i > 0; i--) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            byte[] key = defects.next() ? data.consumeBytes(8) // maybe not UTF-8
                    : data.consumeString(16).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            writeField(header, 1, key);
            writeField(header, 2, data.consumeBytes(MAX_FIELD_BYTES));
            writeField(out, 3, header.toByteArray());
        }
        writeVarintField(out, 4, deltaMs);
        if (defects.next()) {
            writeVarintField(out, 5, data.consumeInt(0, MAX_RECORDS)); // offset_delta: only compaction sets it
        }
        return out.toByteArray();
    }

    private static byte[] compressed(FuzzedDataProvider data, Defects defects, Codec codec, byte[] plain) {
        if (defects.next()) {
            return data.consumeBytes(data.consumeInt(0, 512)); // Bytes that claim to be compressed.
        }
        byte[] compressed = BatchCompression.compress(codec, plain, plain.length);
        if (compressed.length > 0 && defects.next()) {
            compressed[data.consumeInt(0, compressed.length - 1)] ^= (byte) data.consumeInt(1, 255);
        }
        return compressed;
    }

    private static void writeField(ByteArrayOutputStream out, int field, byte[] bytes) {
        write(out, coded -> coded.writeByteArray(field, bytes));
    }

    private static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
        write(out, coded -> coded.writeInt64(field, value));
    }

    private static void writeUnknownField(ByteArrayOutputStream out, FuzzedDataProvider data) {
        int field = data.consumeInt(6, 100);
        if (data.consumeBoolean()) {
            writeVarintField(out, field, data.consumeLong());
        } else {
            writeField(out, field, data.consumeBytes(8));
        }
    }

    private interface Writer {
        void write(CodedOutputStream coded) throws IOException;
    }

    private static void write(ByteArrayOutputStream out, Writer writer) {
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            writer.write(coded);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decides, from the fuzzer's data, where defects go, and remembers whether any did. */
    private static final class Defects {
        private final FuzzedDataProvider data;
        private boolean any;

        Defects(FuzzedDataProvider data) {
            this.data = data;
        }

        boolean next() {
            boolean defect = data.consumeInt(0, DEFECT_ODDS) == 0;
            any |= defect;
            return defect;
        }
    }
}
