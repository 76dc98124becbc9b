package dev.sluice.wire;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decodes one LZ4 frame, the format {@link BatchCompression#compress} writes with lz4-java's
 * {@code LZ4FrameOutputStream}, into an array that grows with the content, up to a limit.
 *
 * <p>Why not {@code LZ4FrameInputStream}: it allocates two buffers of the frame's maximum block size per stream, 8 MiB
 * with the producer's default 4 MiB blocks, so decompressing a 10 KiB batch to validate it cost about a millisecond
 * of zeroed memory and garbage. This decoder allocates about the content's size.
 *
 * <p>It accepts no more than {@code LZ4FrameInputStream} does, so a batch the broker accepts is one every Java consumer
 * can read, including those that still decode with that stream: version 01, independent blocks, reserved bits zero, a
 * block maximum size of 64 KiB to 4 MiB, a matching header checksum and, when the flags ask for them, matching block
 * and content checksums and content size. It is stricter in one way: exactly one frame and nothing after it (the
 * producer writes one frame per batch).
 *
 * <p>Stateless and thread-safe.
 */
final class Lz4FrameDecoder {
    private static final int MAGIC = 0x184D2204;
    private static final int VERSION_MASK = 0xC0;
    private static final int VERSION_01 = 0x40;
    private static final int BLOCK_INDEPENDENCE = 0x20;
    private static final int BLOCK_CHECKSUM = 0x10;
    private static final int CONTENT_SIZE = 0x08;
    private static final int CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED = 0x03;
    private static final int BD_RESERVED = 0x8F;
    private static final int UNCOMPRESSED_BLOCK = 0x8000_0000;
    private static final int MIN_INITIAL_BYTES = 4096;

    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private Lz4FrameDecoder() {
    }

    /**
     * The content of the frame in {@code input}.
     *
     * @throws BatchCompression.DecompressedSizeException when the content is larger than {@code limit}
     * @throws IOException when {@code input} is not one valid frame
     */
    static byte[] decode(byte[] input, int limit) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (in.getInt() != MAGIC) {
                throw new IOException("lz4: not an LZ4 frame");
            }
            int flags = in.get() & 0xFF;
            int maxBlockBytes = maxBlockBytes(flags, in.get() & 0xFF);
            long contentBytes = (flags & CONTENT_SIZE) != 0 ? in.getLong() : -1;
            if ((flags & CONTENT_SIZE) != 0 && contentBytes < 0) {
                throw new IOException("lz4: bad content size " + Long.toUnsignedString(contentBytes));
            }
            int headerChecksum = in.get() & 0xFF;
            if (headerChecksum != (XXHASH.hash(input, 4, in.position() - 5, 0) >> 8 & 0xFF)) {
                throw new IOException("lz4: frame descriptor checksum mismatch");
            }
            if (contentBytes > limit) {
                throw new BatchCompression.DecompressedSizeException("the content declares " + contentBytes
                        + " bytes, more than the limit of " + limit);
            }
            int initialBytes = contentBytes >= 0 ? (int) contentBytes
                    : (int) Math.min(limit, Math.max(MIN_INITIAL_BYTES, 4L * input.length));
            Content content = new Content(initialBytes, limit, maxBlockBytes);
            readBlocks(in, input, flags, content);
            if ((flags & CONTENT_CHECKSUM) != 0 && in.getInt() != XXHASH.hash(content.bytes, 0, content.size, 0)) {
                throw new IOException("lz4: content checksum mismatch");
            }
            if (in.hasRemaining()) {
                throw new IOException("lz4: " + in.remaining() + " bytes after the frame");
            }
            if (contentBytes >= 0 && content.size != contentBytes) {
                throw new IOException("lz4: the frame declares " + contentBytes + " bytes but holds " + content.size);
            }
            return content.size == content.bytes.length ? content.bytes : Arrays.copyOf(content.bytes, content.size);
        } catch (BufferUnderflowException e) {
            throw new IOException("lz4: the frame is truncated");
        }
    }

    /** Checks the frame descriptor's flags and block descriptor; returns the block maximum size. */
    private static int maxBlockBytes(int flags, int blockDescriptor) throws IOException {
        if ((flags & VERSION_MASK) != VERSION_01 || (flags & FLG_RESERVED) != 0
                || (blockDescriptor & BD_RESERVED) != 0) {
            throw new IOException(String.format("lz4: unsupported frame descriptor %02x %02x", flags, blockDescriptor));
        }
        if ((flags & BLOCK_INDEPENDENCE) == 0) {
            throw new IOException("lz4: dependent blocks are unsupported");
        }
        int indicator = blockDescriptor >>> 4 & 0x7;
        if (indicator < 4) {
            throw new IOException("lz4: bad block maximum size indicator " + indicator);
        }
        return 1 << (2 * indicator + 8);
    }

    private static void readBlocks(ByteBuffer in, byte[] input, int flags, Content content) throws IOException {
        for (int header = in.getInt(); header != 0; header = in.getInt()) {
            int length = header & ~UNCOMPRESSED_BLOCK;
            if (length > content.maxBlockBytes || length > in.remaining()) {
                throw new IOException("lz4: block of " + length + " bytes does not fit the frame");
            }
            int start = in.position();
            in.position(start + length);
            if ((flags & BLOCK_CHECKSUM) != 0 && in.getInt() != XXHASH.hash(input, start, length, 0)) {
                throw new IOException("lz4: block checksum mismatch");
            }
            if ((header & UNCOMPRESSED_BLOCK) != 0) {
                content.append(input, start, length);
            } else {
                content.decompress(input, start, length);
            }
        }
    }

    /** The content decoded so far, in an array that grows as needed up to the limit. */
    private static final class Content {
        private final int limit;
        private final int maxBlockBytes;
        private byte[] bytes;
        private int size;

        Content(int initialBytes, int limit, int maxBlockBytes) {
            this.bytes = new byte[initialBytes];
            this.limit = limit;
            this.maxBlockBytes = maxBlockBytes;
        }

        void append(byte[] source, int offset, int length) throws IOException {
            if (length > limit - size) {
                throw tooLarge();
            }
            ensureFree(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        /**
         * Decompresses a block after the content. A block's decompressed size is not stored, so it is tried in the
         * room there is, and the array grows (doubling, to at most a block or the limit) when that was too small.
         */
        void decompress(byte[] source, int offset, int length) throws IOException {
            int room = Math.min(maxBlockBytes, limit - size);
            while (true) {
                int free = Math.min(bytes.length - size, room);
                try {
                    size += DECOMPRESSOR.decompress(source, offset, length, bytes, size, free);
                    return;
                } catch (LZ4Exception e) {
                    if (free >= room) {
                        // No more room is allowed: either the block is malformed or it expands past the limit.
                        throw room < maxBlockBytes ? tooLarge() : new IOException("lz4: malformed block");
                    }
                    ensureFree(Math.min(room, Math.max(2 * free, MIN_INITIAL_BYTES)));
                }
            }
        }

        private void ensureFree(int free) {
            if (bytes.length - size < free) {
                bytes = Arrays.copyOf(bytes, size + free);
            }
        }

        private BatchCompression.DecompressedSizeException tooLarge() {
            return new BatchCompression.DecompressedSizeException("the content is more than the limit of " + limit
                    + " bytes");
        }
    }
}
