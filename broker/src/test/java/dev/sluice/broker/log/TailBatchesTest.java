package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class TailBatchesTest {

    /** A batch of {@code size} bytes, each byte its base offset (so reads show which batch they got). */
    private static byte[] stored(long base, int size) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) base);
        return bytes;
    }

    /** Batches at [0,3), [3,4), [4,9) of 10, 20 and 30 bytes. */
    private static TailBatches threeBatches() {
        return TailBatches.EMPTY.plus(0, 3, stored(0, 10), 1000, 10)
                .plus(3, 4, stored(3, 20), 1000, 10)
                .plus(4, 9, stored(4, 30), 1000, 10);
    }

    private static List<Integer> firstBytes(List<ByteString> batches) {
        return batches.stream().map(batch -> (int) batch.byteAt(0)).toList();
    }

    @Test
    void coversOnlyRangesWhoseEveryBatchIsHeld() {
        TailBatches tail = threeBatches();

        assertThat(tail.covers(0, 9)).isTrue();
        assertThat(tail.covers(5, 9)).isTrue();
        assertThat(tail.covers(5, 10)).as("past the newest batch").isFalse();
        assertThat(TailBatches.EMPTY.covers(0, 0)).isFalse();
        assertThat(TailBatches.EMPTY.plus(3, 4, stored(3, 5), 1000, 10).covers(2, 4)).as("before the oldest").isFalse();
    }

    @Test
    void readsFromTheBatchHoldingTheOffsetWithinBytesAndBelowTheEnd() {
        TailBatches tail = threeBatches();
        long[] size = new long[1];

        assertThat(firstBytes(tail.read(5, 9, 1000, true, size))).containsExactly(4);
        assertThat(size[0]).isEqualTo(30);
        assertThat(firstBytes(tail.read(1, 9, 1000, true, size))).containsExactly(0, 3, 4);
        assertThat(size[0]).isEqualTo(60);
        assertThat(firstBytes(tail.read(3, 9, 1000, true, size))).containsExactly(3, 4);
        assertThat(firstBytes(tail.read(0, 4, 1000, true, size))).as("base offsets below the end")
                .containsExactly(0, 3);
        assertThat(firstBytes(tail.read(0, 9, 29, true, size))).as("within the bytes").containsExactly(0);
        assertThat(firstBytes(tail.read(0, 9, 30, true, size))).containsExactly(0, 3);
        assertThat(firstBytes(tail.read(0, 9, 5, true, size))).as("the first one regardless").containsExactly(0);
        assertThat(tail.read(0, 9, 5, false, size)).isEmpty();
        assertThat(size[0]).isZero();
    }

    @Test
    void dropsTheOldestBatchesBeyondTheBytesOrTheCount() {
        TailBatches byBytes = threeBatches().plus(9, 10, stored(9, 50), 90, 10);
        assertThat(byBytes.batchCount()).isEqualTo(2);
        assertThat(byBytes.sizeBytes()).isEqualTo(80);
        assertThat(byBytes.covers(4, 10)).isTrue();
        assertThat(byBytes.covers(3, 10)).isFalse();

        TailBatches byCount = threeBatches().plus(9, 10, stored(9, 1), 1000, 2);
        assertThat(byCount.batchCount()).isEqualTo(2);
        assertThat(byCount.sizeBytes()).isEqualTo(31);
        assertThat(byCount.covers(4, 10)).isTrue();
    }

    @Test
    void aBatchThatDoesNotContinueTheTailStartsAfreshAndAnOversizedOneLeavesNothing() {
        TailBatches restarted = threeBatches().plus(20, 21, stored(20, 5), 1000, 10);
        assertThat(restarted.batchCount()).isEqualTo(1);
        assertThat(restarted.covers(4, 9)).isFalse();
        assertThat(restarted.covers(20, 21)).isTrue();

        assertThat(threeBatches().plus(9, 10, stored(9, 2000), 1000, 10)).isSameAs(TailBatches.EMPTY);
    }
}
