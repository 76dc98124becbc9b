package dev.sluice.broker.log;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.RecordBatchView;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    /**
     * The checksum of {@code bytes}, read in place. {@code ByteString} exposes its arrays only read-only, and
     * {@code CRC32C.update} copies a read-only heap buffer into a fresh temporary array first, which cost an
     * allocation and a copy per batch on the produce path; {@link UnsafeByteOperations#unsafeWriteTo} hands over the
     * backing arrays themselves, which are only read here.
     */
    public static int crc32c(ByteString bytes) {
        CRC32C crc = new CRC32C();
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, new ChecksumOutput(crc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // ChecksumOutput does no I/O
        }
        return (int) crc.getValue();
    }

    /** Feeds whatever it is given to a checksum, never keeping or changing it. */
    private static final class ChecksumOutput extends ByteOutput {
        private final CRC32C crc;

        ChecksumOutput(CRC32C crc) {
            this.crc = crc;
        }

        @Override
        public void write(byte value) {
            crc.update(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            crc.update(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            crc.update(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) {
            crc.update(value);
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            crc.update(value);
        }
    }
}
