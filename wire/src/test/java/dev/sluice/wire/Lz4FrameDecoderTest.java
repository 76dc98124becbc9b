package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;
import org.junit.jupiter.api.Test;

/** The bounded LZ4 frame decoder against frames from lz4-java: same content, and nothing lz4-java cannot read. */
class Lz4FrameDecoderTest {
    private static final int NO_LIMIT = Integer.MAX_VALUE - 8;

    private static byte[] content(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 'a' + (i / 5) % 7);
        }
        return bytes;
    }

    private static byte[] frame(byte[] content, BLOCKSIZE blockSize, long knownSize, FLG.Bits... flags)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out, blockSize, knownSize, flags)) {
            lz4.write(content);
        }
        return out.toByteArray();
    }

    private static byte[] readWithLz4Java(byte[] frame) throws IOException {
        try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesWhatLz4JavaWritesWithEveryOptionalFeature() throws IOException {
        for (int size : new int[] {0, 1, 1000, 70_000, 300_000}) {
            byte[] content = content(size, size);
            byte[][] frames = {
                BatchCompression.compress(dev.sluice.proto.v1.Codec.CODEC_LZ4, content, size),
                frame(content, BLOCKSIZE.SIZE_64KB, -1, FLG.Bits.BLOCK_INDEPENDENCE, FLG.Bits.BLOCK_CHECKSUM),
                frame(content, BLOCKSIZE.SIZE_256KB, size, FLG.Bits.BLOCK_INDEPENDENCE, FLG.Bits.CONTENT_SIZE,
                        FLG.Bits.CONTENT_CHECKSUM),
            };
            for (byte[] frame : frames) {
                assertThat(Lz4FrameDecoder.decode(frame, NO_LIMIT)).as("%d bytes", size).isEqualTo(content);
                assertThat(readWithLz4Java(frame)).isEqualTo(content);
            }
        }
    }

    @Test
    void aDamagedFrameIsRefusedAsLz4JavaRefusesIt() throws IOException {
        byte[] content = content(100_000, 3);
        byte[] checked = frame(content, BLOCKSIZE.SIZE_64KB, content.length, FLG.Bits.BLOCK_INDEPENDENCE,
                FLG.Bits.BLOCK_CHECKSUM, FLG.Bits.CONTENT_SIZE, FLG.Bits.CONTENT_CHECKSUM);
        byte[] badMagic = checked.clone();
        badMagic[0] ^= 1;
        byte[] badHeaderChecksum = checked.clone();
        badHeaderChecksum[4 + 2 + 8] ^= 1;
        byte[] badBlock = checked.clone();
        badBlock[checked.length / 2] ^= 1;
        byte[] dependentBlocks = checked.clone();
        dependentBlocks[4] &= ~0x20;
        byte[] reservedBit = checked.clone();
        reservedBit[5] |= 0x01;

        for (byte[] frame : new byte[][] {badMagic, badHeaderChecksum, badBlock, dependentBlocks, reservedBit,
            Arrays.copyOf(checked, checked.length - 3), Arrays.copyOf(checked, 20)}) {
            assertThatThrownBy(() -> Lz4FrameDecoder.decode(frame, NO_LIMIT)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(BatchCompression.DecompressedSizeException.class);
            assertThatThrownBy(() -> readWithLz4Java(frame)).as("lz4-java refuses it too")
                    .isInstanceOf(Exception.class);
        }
    }

    @Test
    void bytesAfterTheFrameAreRefused() throws IOException {
        byte[] frame = BatchCompression.compress(dev.sluice.proto.v1.Codec.CODEC_LZ4, content(500, 1), 500);
        byte[] trailing = Arrays.copyOf(frame, frame.length + 6);

        assertThatThrownBy(() -> Lz4FrameDecoder.decode(trailing, NO_LIMIT)).isInstanceOf(IOException.class)
                .hasMessageContaining("after the frame");
    }

    @Test
    void theLimitHoldsWhetherTheSizeIsDeclaredOrNot() throws IOException {
        byte[] zeros = new byte[1 << 20];
        byte[] undeclared = frame(zeros, BLOCKSIZE.SIZE_4MB, -1, FLG.Bits.BLOCK_INDEPENDENCE);
        byte[] declared = frame(zeros, BLOCKSIZE.SIZE_64KB, zeros.length, FLG.Bits.BLOCK_INDEPENDENCE,
                FLG.Bits.CONTENT_SIZE);

        for (byte[] frame : new byte[][] {undeclared, declared}) {
            assertThatThrownBy(() -> Lz4FrameDecoder.decode(frame, zeros.length - 1))
                    .isInstanceOf(BatchCompression.DecompressedSizeException.class);
            assertThat(Lz4FrameDecoder.decode(frame, zeros.length)).isEqualTo(zeros);
        }
    }
}
