package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C of a batch: computed over the bytes of its records field (field 2) or, when compressed, of its
 * compressed_records field (field 3), exactly as they appear on the wire. Pure and thread-safe.
 */
public final class BatchChecksum {

    private BatchChecksum() {
    }

    /** The checksum of whichever record field is non-empty (records when both are, which validation forbids). */
    public static int crc32c(RecordBatchView batch) {
        ByteString payload = batch.getRecords().isEmpty() ? batch.getCompressedRecords() : batch.getRecords();
        return crc32c(payload);
    }

    /** The checksum of {@code bytes}, read through read-only buffers so nothing is copied. */
    public static int crc32c(ByteString bytes) {
        CRC32C crc = new CRC32C();
        for (ByteBuffer buffer : bytes.asReadOnlyByteBufferList()) {
            crc.update(buffer);
        }
        return (int) crc.getValue();
    }
}
