package dev.sluice.wire;

/**
 * Kafka's key partitioner: {@code toPositive(murmur2(keyBytes)) % numPartitions}, bit for bit the same as
 * Kafka's {@code Utils.murmur2}, so a key lands on the same partition number as it would in Kafka.
 *
 * <p>It lives in the wire module, not in the client, because where a key goes is part of the contract: compaction
 * keeps the last record per key within a partition, and a consumer that reads one partition sees a key's records in
 * order only if every producer, in any language, sends that key to the same partition. The rule is written out for
 * other languages in {@code sluice/v1/broker.proto} ({@code ProducePartition}). A record with a null key is not hashed
 * at all (the Java producer sticks such records to one partition until its batch is full); an empty key is hashed like
 * any other. Pure and stateless.
 */
public final class Murmur2Partitioner {
    private Murmur2Partitioner() {
    }

    /** The partition for a serialized key. */
    public static int partition(byte[] keyBytes, int numPartitions) {
        return toPositive(murmur2(keyBytes)) % numPartitions;
    }

    /** Clears the sign bit (Kafka's {@code Utils.toPositive}); not {@code Math.abs}, which fails on MIN_VALUE. */
    public static int toPositive(int number) {
        return number & 0x7fffffff;
    }

    /** The 32-bit murmur2 hash with Kafka's seed {@code 0x9747b28c}. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = 0x9747b28c ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length & ~3;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
