package dev.sluice.raft;

import java.util.Arrays;

/**
 * A snapshot being fetched from the leader in chunks, by a follower or observer whose log fell behind the leader's
 * log start. Lives in its {@link RaftRole.Follower}, so a change of leader or epoch abandons it. Owned by the core's
 * thread. Invariant: {@code position} bytes have arrived, in order, and never more than the snapshot's size.
 */
final class SnapshotDownload {
    private final OffsetAndEpoch snapshotId;
    private byte[] buffer = new byte[0];
    private long sizeBytes = -1;
    private int position;

    SnapshotDownload(OffsetAndEpoch snapshotId) {
        this.snapshotId = snapshotId;
    }

    OffsetAndEpoch snapshotId() {
        return snapshotId;
    }

    int position() {
        return position;
    }

    /** Adds the chunk at {@code chunkPosition}; returns false when it does not continue the download. */
    boolean maybeAppend(long chunkSizeBytes, long chunkPosition, byte[] chunk) {
        if (chunkPosition != position || chunkSizeBytes < 0 || chunkSizeBytes > Integer.MAX_VALUE - 8
            || sizeBytes >= 0 && chunkSizeBytes != sizeBytes || position + (long) chunk.length > chunkSizeBytes
            || chunk.length == 0 && position < chunkSizeBytes) {
            return false;
        }
        if (sizeBytes < 0) {
            sizeBytes = chunkSizeBytes;
            buffer = new byte[(int) chunkSizeBytes];
        }
        System.arraycopy(chunk, 0, buffer, position, chunk.length);
        position += chunk.length;
        return true;
    }

    boolean isComplete() {
        return sizeBytes >= 0 && position == sizeBytes;
    }

    Snapshot toSnapshot() {
        if (!isComplete()) {
            throw new IllegalStateException("snapshot " + snapshotId + " has " + position + " of " + sizeBytes
                + " bytes");
        }
        return new Snapshot(snapshotId.offset(), snapshotId.epoch(), Arrays.copyOf(buffer, buffer.length));
    }
}
