package dev.sluice.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * The state machine's serialized state after applying every entry below {@code endOffset}; {@code epoch} is the
 * epoch of the entry at {@code endOffset - 1}. Immutable: the data array is never modified after construction, so
 * it is shared rather than copied. Offsets are log offsets; the end offset is exclusive.
 */
public record Snapshot(long endOffset, int epoch, byte[] data) {
    public Snapshot {
        if (endOffset <= 0 || epoch < 0) {
            throw new IllegalArgumentException("snapshot end offset must be > 0 and epoch >= 0: " + endOffset + ", "
                + epoch);
        }
        Objects.requireNonNull(data, "data");
    }

    /** The snapshot's identity, which is also the log position it replaces: (end offset, epoch). */
    public OffsetAndEpoch id() {
        return new OffsetAndEpoch(endOffset, epoch);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && endOffset == that.endOffset && epoch == that.epoch
            && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endOffset, epoch, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Snapshot[endOffset=" + endOffset + ", epoch=" + epoch + ", bytes=" + data.length + "]";
    }
}
