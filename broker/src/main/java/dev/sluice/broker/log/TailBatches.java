package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The newest stored batches of one partition, kept in memory so that a fetch at the log's tail (a caught-up
 * follower, a consumer long-polling for new records) is answered without a RocksDB iterator: creating one, and
 * seeking it through every SST file that spans the partition, costs more than the read itself when the answer is
 * one small batch. Kafka answers such fetches from the page cache of its active segment.
 *
 * <p>Immutable: {@link PartitionLog} builds the next one under its lock after each append and publishes it before
 * the new partition state, so a reader that sees a state sees batches at least as new. The batches are contiguous
 * (each starts where the previous ends), end at the log end they were published with, and are the very arrays
 * written to RocksDB, which nobody mutates. Bounded by bytes and by count; the oldest go first.
 */
final class TailBatches {
    static final TailBatches EMPTY = new TailBatches(new long[0], new long[0], new byte[0][], 0);

    private final long[] bases;
    private final long[] ends;
    private final byte[][] stored;
    private final long sizeBytes;

    private TailBatches(long[] bases, long[] ends, byte[][] stored, long sizeBytes) {
        this.bases = bases;
        this.ends = ends;
        this.stored = stored;
        this.sizeBytes = sizeBytes;
    }

    /**
     * These batches and one just appended at offsets [{@code base}, {@code end}), the oldest dropped while the total
     * exceeds {@code maxBytes} or the count {@code maxBatches}. A batch that does not continue these (after a
     * truncation, say) starts afresh; one larger than {@code maxBytes} alone leaves nothing.
     */
    TailBatches plus(long base, long end, byte[] batch, int maxBytes, int maxBatches) {
        if (batch.length > maxBytes || maxBatches < 1) {
            return EMPTY;
        }
        int count = bases.length;
        int keepFrom = count > 0 && ends[count - 1] == base ? 0 : count;
        long kept = keepFrom == 0 ? sizeBytes : 0;
        while (keepFrom < count && (kept + batch.length > maxBytes || count - keepFrom + 1 > maxBatches)) {
            kept -= stored[keepFrom].length;
            keepFrom++;
        }
        int size = count - keepFrom + 1;
        long[] newBases = Arrays.copyOfRange(bases, keepFrom, keepFrom + size);
        long[] newEnds = Arrays.copyOfRange(ends, keepFrom, keepFrom + size);
        byte[][] newStored = Arrays.copyOfRange(stored, keepFrom, keepFrom + size);
        newBases[size - 1] = base;
        newEnds[size - 1] = end;
        newStored[size - 1] = batch;
        return new TailBatches(newBases, newEnds, newStored, kept + batch.length);
    }

    /** Whether the batches holding every offset in [{@code fetchOffset}, {@code endOffset}) are all here. */
    boolean covers(long fetchOffset, long endOffset) {
        int count = bases.length;
        return count > 0 && bases[0] <= fetchOffset && ends[count - 1] >= endOffset;
    }

    /**
     * What {@link PartitionLog#read} would read from the store, when {@link #covers} holds: the batches from the one
     * holding {@code fetchOffset}, with base offsets below {@code endOffset}, while their total stays within
     * {@code maxBytes} (the first one regardless when {@code minOneBatch}).
     *
     * @param sizeOut receives the total size in bytes at index 0
     */
    List<ByteString> read(long fetchOffset, long endOffset, int maxBytes, boolean minOneBatch, long[] sizeOut) {
        int first = Arrays.binarySearch(bases, fetchOffset);
        if (first < 0) {
            first = -first - 2;  // the batch before the insertion point holds fetchOffset
        }
        List<ByteString> batches = new ArrayList<>();
        long total = 0;
        for (int i = Math.max(first, 0); i < bases.length && bases[i] < endOffset; i++) {
            boolean mayExceed = batches.isEmpty() && minOneBatch;
            if (!mayExceed && total + stored[i].length > maxBytes) {
                break;
            }
            batches.add(UnsafeByteOperations.unsafeWrap(stored[i]));
            total += stored[i].length;
        }
        sizeOut[0] = total;
        return batches;
    }

    int batchCount() {
        return bases.length;
    }

    long sizeBytes() {
        return sizeBytes;
    }
}
