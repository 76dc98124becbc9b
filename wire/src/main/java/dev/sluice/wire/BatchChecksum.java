package dev.sluice.wire;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.RecordBatchView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C of a batch ({@code RecordBatchHeader.crc32c}): computed over the bytes of its records field
 * ({@link BatchFields#BATCH_RECORDS}) or, when compressed, of its compressed_records field
 * ({@link BatchFields#BATCH_COMPRESSED_RECORDS}), exactly as they appear on the wire: the content of the field, not
 * its tag or length, and for a compressed batch the compressed bytes. The producer computes it as it closes a batch,
 * the leader checks it before appending (and computes it when the producer sent none), a follower checks it on every
 * replicated batch, and the log cleaner computes it again for a batch it rewrites. One rule in one place, because if
 * the client and the broker covered different bytes, the broker would refuse every checksummed batch as corrupt. The
 * rule is also written out for other languages in {@code sluice/v1/records.proto}. Pure and thread-safe.
 */
public final class BatchChecksum {

    private BatchChecksum() {
    }

    /** The checksum of whichever record field is non-empty (records when both are, which validation forbids). */
    public static int crc32c(RecordBatchView batch) {
        return crc32c(coveredBytes(batch));
    }

    /**
     * The bytes the checksum covers: {@code records}, or {@code compressed_records} when {@code records} is empty (a
     * batch with neither has the checksum of no bytes).
     */
    public static ByteString coveredBytes(RecordBatchView batch) {
        return batch.getRecords().isEmpty() ? batch.getCompressedRecords() : batch.getRecords();
    }

    /** The checksum of {@code length} bytes of {@code bytes} from {@code offset}: the producer's batch payload. */
    public static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
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
