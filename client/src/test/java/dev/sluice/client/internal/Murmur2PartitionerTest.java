package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Murmur2PartitionerTest {
    @Test
    void matchesKafkaTestVectors() {
        assertThat(Murmur2Partitioner.murmur2(bytes("21"))).isEqualTo(-973932308);
        assertThat(Murmur2Partitioner.murmur2(bytes("foobar"))).isEqualTo(-790332482);
        assertThat(Murmur2Partitioner.murmur2(bytes("a-little-bit-long-string"))).isEqualTo(-985981536);
        assertThat(Murmur2Partitioner.murmur2(bytes("a-little-bit-longer-string"))).isEqualTo(-1486304829);
        assertThat(Murmur2Partitioner.murmur2(bytes("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")))
                .isEqualTo(-58897971);
        assertThat(Murmur2Partitioner.murmur2(new byte[] {'a', 'b', 'c'})).isEqualTo(479470107);
    }

    @Test
    void toPositiveClearsSignBitLikeKafka() {
        assertThat(Murmur2Partitioner.toPositive(Integer.MIN_VALUE)).isZero();
        assertThat(Murmur2Partitioner.toPositive(-1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Murmur2Partitioner.toPositive(42)).isEqualTo(42);
    }

    @Test
    void partitionIsStableAndInRange() {
        int expected = (-790332482 & 0x7fffffff) % 7;
        assertThat(Murmur2Partitioner.partition(bytes("foobar"), 7)).isEqualTo(expected);
        assertThat(Murmur2Partitioner.partition(new byte[0], 3)).isBetween(0, 2);
    }

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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
