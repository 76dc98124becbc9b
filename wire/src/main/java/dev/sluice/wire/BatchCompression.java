package dev.sluice.wire;

import com.github.luben.zstd.Zstd;
import dev.sluice.proto.v1.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.Snappy;

/**
 * The batch codecs: compresses the serialized {@code Records} of a batch into {@code compressed_records} and back.
 * Formats: gzip (RFC 1952), snappy (raw block format), lz4 (LZ4 frame format), zstd (zstd frame with its content
 * size).
 *
 * <p>Who uses it: the producer compresses the batches it closes and the consumer decompresses the ones it fetches; the
 * broker decompresses produced batches to validate their records (with a bound on the result) and the log cleaner
 * rewrites compacted ones; the fetch path never touches them. The client and the broker once had a copy each, which
 * could drift: a format the broker accepted but the consumer read differently would corrupt data without an error.
 * Now both read with the same decoders, so the consumer reads exactly what the broker validated.
 *
 * <p>Stateless and thread-safe.
 */
public final class BatchCompression {
    private static final int GZIP_BUFFER_BYTES = 8192;
    /** The largest array a JVM reliably allocates. */
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private BatchCompression() {
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
     * Decompresses a batch's {@code compressed_records}, with no bound on the result beyond the largest array (the
     * consumer and the log cleaner read batches that the broker bounded when they were produced).
     *
     * @throws IOException when the bytes are not valid for the codec
     */
    public static byte[] decompress(Codec codec, byte[] input) throws IOException {
        return decompress(codec, input, MAX_ARRAY_BYTES);
    }

    /**
     * Decompresses a batch's {@code compressed_records} into at most {@code maxBytes} bytes. The bound holds before
     * any large allocation: snappy and zstd declare their content size, which is checked first, gzip is read in
     * chunks and lz4 block by block until the bound is passed, so a small "decompression bomb" cannot make the caller
     * allocate more than about {@code maxBytes}. The lz4 frame is read by {@link Lz4FrameDecoder}, which accepts no
     * more than lz4-java's {@code LZ4FrameInputStream} does, without its two block-size buffers per call.
     *
     * @throws DecompressedSizeException when the content is larger than {@code maxBytes}
     * @throws IOException when the bytes are not valid for the codec
     */
    public static byte[] decompress(Codec codec, byte[] input, int maxBytes) throws IOException {
        int limit = Math.min(maxBytes, MAX_ARRAY_BYTES);
        return switch (codec) {
            case CODEC_GZIP -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(input), GZIP_BUFFER_BYTES)) {
                    yield readAtMost(gzip, limit);
                }
            }
            case CODEC_SNAPPY -> {
                checkDeclaredSize(Snappy.uncompressedLength(input), limit);
                yield Snappy.uncompress(input);
            }
            case CODEC_LZ4 -> Lz4FrameDecoder.decode(input, limit);
            case CODEC_ZSTD -> {
                long size = Zstd.getFrameContentSize(input);
                if (size < 0) {
                    throw new IOException("zstd frame without a usable content size: " + size);
                }
                checkDeclaredSize(size, limit);
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

    private static void checkDeclaredSize(long size, int limit) throws DecompressedSizeException {
        if (size > limit) {
            throw new DecompressedSizeException("the content declares " + size + " bytes, more than the limit of "
                    + limit);
        }
    }

    /** Reads {@code in} to its end; fails once more than {@code limit} bytes come out. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        // readNBytes grows its buffer as data arrives, so a bomb costs at most the limit, not what it would expand to.
        byte[] out = in.readNBytes(limit);
        if (in.read() != -1) {
            throw new DecompressedSizeException("the content is more than the limit of " + limit + " bytes");
        }
        return out;
    }

    /** The content of a compressed batch is larger than the caller allows. */
    public static final class DecompressedSizeException extends IOException {
        DecompressedSizeException(String message) {
            super(message);
        }
    }
}
