package dev.sluice.raft;

/** An end offset (exclusive) together with the epoch of the entry just before it. */
public record OffsetAndEpoch(long offset, int epoch) implements Comparable<OffsetAndEpoch> {
    /** Orders by epoch first, then offset: the Raft "at least as up to date" order for logs. */
    @Override
    public int compareTo(OffsetAndEpoch other) {
        int byEpoch = Integer.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(offset, other.offset);
    }
}
