package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

    /**
     * The check values written out for other languages in {@code sluice/v1/broker.proto} ({@code ProducePartition}).
     */
    @Test
    void theCheckValuesDocumentedInBrokerProtoHold() {
        assertThat(Murmur2Partitioner.murmur2(bytes("user-1"))).isEqualTo(1404122828);
        assertThat(Murmur2Partitioner.murmur2(new byte[0])).isEqualTo(275646681);
        assertThat(Murmur2Partitioner.partition(bytes("21"), 10)).isZero();
        assertThat(Murmur2Partitioner.partition(bytes("foobar"), 10)).isEqualTo(6);
        assertThat(Murmur2Partitioner.partition(bytes("abc"), 10)).isEqualTo(7);
        assertThat(Murmur2Partitioner.partition(bytes("user-1"), 10)).isEqualTo(8);
        assertThat(Murmur2Partitioner.partition(new byte[0], 10)).isEqualTo(1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
