package dev.sluice.broker.partition;

import com.github.luben.zstd.Zstd;
import dev.sluice.proto.v1.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.xerial.snappy.Snappy;

/**
 * Decompression with the codec libraries' own decoders, as the Java client did before it shared the broker's
 * {@code BatchCompression} (the code is that client's, unchanged). It is kept as the reference of the fuzz oracle
 * ({@link ServedBatch}): consumers of that version still read with these decoders, so whatever the broker accepts
 * must decode here to the same bytes as with the bounded decoders, in particular lz4 frames, which the broker reads
 * with its own {@code Lz4FrameDecoder} instead of {@code LZ4FrameInputStream}. Stateless.
 */
final class LibraryDecompression {
    private static final int GZIP_BUFFER_BYTES = 8192;

    private LibraryDecompression() {
    }

    /** Decompresses a batch's {@code compressed_records}; throws when the bytes are not valid for the codec. */
    static byte[] decompress(Codec codec, byte[] input) throws IOException {
        return switch (codec) {
            case CODEC_GZIP -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(input), GZIP_BUFFER_BYTES)) {
                    yield gzip.readAllBytes();
                }
            }
            case CODEC_SNAPPY -> Snappy.uncompress(input);
            case CODEC_LZ4 -> {
                try (LZ4FrameInputStream lz4 = new LZ4FrameInputStream(new ByteArrayInputStream(input))) {
                    yield lz4.readAllBytes();
                }
            }
            case CODEC_ZSTD -> {
                long size = Zstd.getFrameContentSize(input);
                if (size < 0 || size > Integer.MAX_VALUE - 8) {
                    throw new IOException("zstd frame without a usable content size: " + size);
                }
                byte[] out = new byte[(int) size];
                long read = Zstd.decompressByteArray(out, 0, out.length, input, 0, input.length);
                if (Zstd.isError(read) || read != size) {
                    throw new IOException("zstd: " + (Zstd.isError(read) ? Zstd.getErrorName(read) : "short frame"));
                }
                yield out;
            }
            default -> throw new IOException("unsupported codec " + codec);
        };
    }
}
