package dev.sluice.broker.log;

import java.nio.ByteBuffer;

/**
 * What retention and timestamp lookups need to know about one stored batch, without reading the batch.
 *
 * <p>Stored in the "batch-index" column family under the same key as the batch, as 16 bytes:
 * record count (int), max timestamp (long), stored size (int). Keeping it apart from the batch bytes lets
 * a retention scan or a timestamp lookup walk a partition while touching only a few bytes per batch.
 *
 * @param baseOffset offset of the first record
 * @param nextOffset offset after the last record ({@code baseOffset + recordCount})
 * @param maxTimestampMs the batch header's max timestamp, epoch milliseconds
 * @param sizeBytes serialized size of the stored batch
 */
public record BatchSummary(long baseOffset, long nextOffset, long maxTimestampMs, int sizeBytes) {

    static final int ENCODED_BYTES = 16;

    public BatchSummary {
        if (baseOffset < 0 || nextOffset <= baseOffset || sizeBytes < 0) {
            throw new IllegalArgumentException("bad batch summary: base=" + baseOffset + " next=" + nextOffset
                    + " size=" + sizeBytes);
        }
    }

    /** The offset of the last record. */
    public long lastOffset() {
        return nextOffset - 1;
    }

    byte[] encodeValue() {
        return ByteBuffer.allocate(ENCODED_BYTES)
                .putInt(Math.toIntExact(nextOffset - baseOffset))
                .putLong(maxTimestampMs)
                .putInt(sizeBytes)
                .array();
    }

    static BatchSummary decode(byte[] batchKey, byte[] value) {
        if (value.length != ENCODED_BYTES) {
            throw new IllegalStateException("corrupt batch index entry: " + value.length + " bytes");
        }
        long baseOffset = PartitionKey.baseOffsetOf(batchKey);
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int recordCount = buffer.getInt();
        return new BatchSummary(baseOffset, baseOffset + recordCount, buffer.getLong(), buffer.getInt());
    }
}
