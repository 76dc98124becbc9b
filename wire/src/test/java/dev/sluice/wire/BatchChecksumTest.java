package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.RecordBatchView;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class BatchChecksumTest {

    private static int reference(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    @Test
    void equalsTheChecksumOfTheBytesForFlatSlicedAndConcatenatedStrings() {
        SplittableRandom random = new SplittableRandom(42);
        for (int size : new int[] {0, 1, 100, 4096, 8196, 100_000}) {
            byte[] bytes = new byte[size + 10];
            random.nextBytes(bytes);
            ByteString whole = ByteString.copyFrom(bytes);
            ByteString slice = whole.substring(5, 5 + size);
            assertThat(BatchChecksum.crc32c(slice)).isEqualTo(reference(slice.toByteArray()));
            // A rope (several backing arrays), as a concatenation yields.
            ByteString rope = whole.substring(0, 3).concat(ByteString.copyFrom(bytes, 3, size))
                    .concat(whole.substring(3 + size));
            assertThat(BatchChecksum.crc32c(rope)).isEqualTo(reference(bytes));
        }
    }

    @Test
    void theProducersArrayFormCoversTheSameBytesAsTheBrokersView() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] buffer = new byte[300];
        random.nextBytes(buffer);
        ByteString payload = ByteString.copyFrom(buffer, 0, 200);
        int producer = BatchChecksum.crc32c(buffer, 0, 200);
        assertThat(producer).isEqualTo(reference(payload.toByteArray()));
        assertThat(BatchChecksum.crc32c(RecordBatchView.newBuilder().setRecords(payload).build())).isEqualTo(producer);
        assertThat(BatchChecksum.crc32c(RecordBatchView.newBuilder().setCompressedRecords(payload).build()))
                .isEqualTo(producer);
        assertThat(BatchChecksum.coveredBytes(RecordBatchView.newBuilder().setRecords(payload)
                .setCompressedRecords(ByteString.copyFromUtf8("ignored")).build())).isEqualTo(payload);
    }
}
