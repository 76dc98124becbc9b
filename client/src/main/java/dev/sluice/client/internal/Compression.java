package dev.sluice.client.internal;

import com.github.luben.zstd.Zstd;
import dev.sluice.proto.v1.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.Snappy;

/**
 * The batch codecs: compresses the serialized {@code Records} of a batch into {@code compressed_records} and
 * back. Formats: gzip (RFC 1952), snappy (raw block format), lz4 (LZ4 frame format), zstd (zstd frame with
 * its content size). Stateless and thread-safe.
 */
public final class Compression {
    private static final int GZIP_BUFFER_BYTES = 8192;

    private Compression() {
    }

    /** Parses the {@code compression.type} setting: none, gzip, snappy, lz4 or zstd. */
    public static Codec parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none", "uncompressed" -> Codec.CODEC_NONE;
            case "gzip" -> Codec.CODEC_GZIP;
            case "snappy" -> Codec.CODEC_SNAPPY;
            case "lz4" -> Codec.CODEC_LZ4;
            case "zstd" -> Codec.CODEC_ZSTD;
            default -> throw new IllegalArgumentException("unknown compression.type '" + name
                    + "'; one of none, gzip, snappy, lz4, zstd");
        };
    }

    /** Compresses {@code length} bytes of {@code input} from 0 with {@code codec} (not CODEC_NONE). */
    public static byte[] compress(Codec codec, byte[] input, int length) {
        try {
            return switch (codec) {
                case CODEC_GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
                    try (GZIPOutputStream gzip = new GZIPOutputStream(out, GZIP_BUFFER_BYTES)) {
                        gzip.write(input, 0, length);
                    }
                    yield out.toByteArray();
                }
                case CODEC_SNAPPY -> {
                    byte[] out = new byte[Snappy.maxCompressedLength(length)];
                    int written = Snappy.compress(input, 0, length, out, 0);
                    yield java.util.Arrays.copyOf(out, written);
                }
                case CODEC_LZ4 -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
                    try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out)) {
                        lz4.write(input, 0, length);
                    }
                    yield out.toByteArray();
                }
                case CODEC_ZSTD -> {
                    byte[] out = new byte[(int) Zstd.compressBound(length)];
                    long written = Zstd.compressByteArray(out, 0, out.length, input, 0, length,
                            Zstd.defaultCompressionLevel());
                    if (Zstd.isError(written)) {
                        throw new IOException("zstd: " + Zstd.getErrorName(written));
                    }
                    yield java.util.Arrays.copyOf(out, (int) written);
                }
                default -> throw new IllegalArgumentException("cannot compress with " + codec);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("compression with " + codec + " failed", e);
        }
    }

    /**
     * Decompresses a batch's {@code compressed_records}.
     *
     * @throws IOException when the bytes are not valid for the codec
     */
    public static byte[] decompress(Codec codec, byte[] input) throws IOException {
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
