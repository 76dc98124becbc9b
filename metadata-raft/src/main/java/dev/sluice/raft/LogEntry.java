package dev.sluice.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated metadata log: its offset, the leader epoch that created it and an opaque payload.
 * An empty payload marks the start of a leader's epoch. Immutable; the payload array is never modified after
 * construction, so it is shared rather than copied.
 */
public record LogEntry(long offset, int epoch, byte[] payload) {
    public LogEntry {
        if (offset < 0 || epoch < 0) {
            throw new IllegalArgumentException("offset and epoch must be >= 0: " + offset + ", " + epoch);
        }
        Objects.requireNonNull(payload, "payload");
    }

    /** Whether this entry is a leader's epoch marker rather than a record for the state machine. */
    public boolean isLeaderChangeMarker() {
        return payload.length == 0;
    }

    /** Bytes this entry takes in a fetch response, roughly: payload plus offset and epoch. */
    public int sizeBytes() {
        return payload.length + 12;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry that && offset == that.offset && epoch == that.epoch
            && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, epoch, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LogEntry[offset=" + offset + ", epoch=" + epoch + ", payloadBytes=" + payload.length + "]";
    }
}
