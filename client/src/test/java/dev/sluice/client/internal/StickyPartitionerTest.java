package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StickyPartitionerTest {
    @Test
    void stickyPartitionerStaysUntilNewBatchThenMoves() {
        StickyPartitioner sticky = new StickyPartitioner(new SplittableRandom(7));
        int first = sticky.partition("t", 5);
        assertThat(sticky.partition("t", 5)).isEqualTo(first);
        int next = sticky.onNewBatch("t", 5, first);
        assertThat(next).isNotEqualTo(first).isBetween(0, 4);
        assertThat(sticky.partition("t", 5)).isEqualTo(next);
        // A stale caller reporting the old partition does not move it again.
        assertThat(sticky.onNewBatch("t", 5, first)).isEqualTo(next);
        assertThat(sticky.onNewBatch("single", 1, 0)).isZero();
    }
}
