package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.v1.Codec;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The codecs round-trip; moved from the client's {@code CompressionTest} when the two codec classes became one. */
class BatchCompressionTest {
    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    void everyCodecRoundTripsAndCompressesRepetitiveData(Codec codec) throws IOException {
        SplittableRandom random = new SplittableRandom(codec.getNumber());
        for (int size : new int[] {0, 1, 100, 70_000}) {
            byte[] input = new byte[size + 5];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) (random.nextInt(10) == 0 ? 'a' + random.nextInt(26) : 'a' + (i / 7) % 4);
            }
            byte[] compressed = BatchCompression.compress(codec, input, size);
            assertThat(BatchCompression.decompress(codec, compressed)).isEqualTo(java.util.Arrays.copyOf(input, size));
            if (size == 70_000) {
                assertThat(compressed.length).isLessThan(size / 2);
            }
        }
        assertThatThrownBy(() -> BatchCompression.decompress(codec, new byte[] {1, 2, 3}))
                .isInstanceOf(Exception.class);
    }
}
