package dev.sluice.broker.log;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies one partition inside a {@link LogStore}, and knows how it is laid out in RocksDB keys.
 *
 * <p>Every key of a partition starts with the same fixed 20-byte prefix: the topic id (16 bytes, most
 * significant half first) followed by the partition number (4 bytes, big-endian). Batch keys append the
 * base offset (8 bytes, big-endian), so RocksDB's bytewise ordering keeps one partition's batches
 * contiguous and in offset order. Fixed width matters: a variable-width prefix could make one partition's
 * keys interleave with another's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topicId the topic's id, never null
 * @param partition the partition number, at least 0
 */
public record PartitionKey(UUID topicId, int partition) {

    /** Width of the per-partition key prefix in bytes. */
    public static final int PREFIX_BYTES = 20;
    /** Width of a batch key (prefix + base offset) in bytes. */
    public static final int BATCH_KEY_BYTES = PREFIX_BYTES + Long.BYTES;

    public PartitionKey {
        Objects.requireNonNull(topicId, "topicId");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    /** The 20-byte prefix shared by every key of this partition (also the partition-state key). */
    public byte[] prefix() {
        return ByteBuffer.allocate(PREFIX_BYTES)
                .putLong(topicId.getMostSignificantBits())
                .putLong(topicId.getLeastSignificantBits())
                .putInt(partition)
                .array();
    }

    /** The key of the batch whose base offset is {@code baseOffset}; offsets are never negative. */
    public byte[] batchKey(long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + baseOffset);
        }
        return batchKeyUnchecked(baseOffset);
    }

    /**
     * A key sorting after every batch key of this partition and before any key of the next one: the
     * prefix followed by eight 0xFF bytes. Offsets are non-negative, so their big-endian encoding never
     * reaches it; used as the exclusive end of range deletes.
     */
    byte[] endKey() {
        return batchKeyUnchecked(-1L);
    }

    private byte[] batchKeyUnchecked(long offsetBits) {
        return ByteBuffer.allocate(BATCH_KEY_BYTES)
                .putLong(topicId.getMostSignificantBits())
                .putLong(topicId.getLeastSignificantBits())
                .putInt(partition)
                .putLong(offsetBits)
                .array();
    }

    /** The key of a producer's state in the {@code producer-state} family: prefix + producer id (big-endian). */
    public byte[] producerKey(long producerId) {
        if (producerId <= 0) {
            throw new IllegalArgumentException("producer id must be positive, was " + producerId);
        }
        return batchKeyUnchecked(producerId);
    }

    /** Decodes a 20-byte prefix (or the start of a longer key) back into a key. */
    public static PartitionKey fromPrefix(byte[] key) {
        if (key.length < PREFIX_BYTES) {
            throw new IllegalArgumentException("key shorter than " + PREFIX_BYTES + " bytes: " + key.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(key);
        return new PartitionKey(new UUID(buffer.getLong(), buffer.getLong()), buffer.getInt());
    }

    /** The base offset encoded in a batch key. */
    public static long baseOffsetOf(byte[] batchKey) {
        if (batchKey.length != BATCH_KEY_BYTES) {
            throw new IllegalArgumentException("not a batch key: " + batchKey.length + " bytes");
        }
        return ByteBuffer.wrap(batchKey, PREFIX_BYTES, Long.BYTES).getLong();
    }

    @Override
    public String toString() {
        return topicId + "-" + partition;
    }
}
