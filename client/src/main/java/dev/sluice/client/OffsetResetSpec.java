package dev.sluice.client;

/** Where {@link Admin#resetOffsets} moves a group's committed offsets. */
public sealed interface OffsetResetSpec {
    /** The log start. */
    record Earliest() implements OffsetResetSpec {
    }

    /** The high watermark. */
    record Latest() implements OffsetResetSpec {
    }

    /** A fixed offset, clamped to [log start, high watermark]. */
    record ToOffset(long offset) implements OffsetResetSpec {
    }

    /** The first offset at or after a time (epoch ms); the high watermark when there is none. */
    record ToTimestamp(long timestampMs) implements OffsetResetSpec {
    }

    /** The committed offset (or the log start without one) plus {@code delta}, clamped. */
    record ShiftBy(long delta) implements OffsetResetSpec {
    }
}
