package dev.sluice.client;

/** The first offset whose batch has a record at or after the asked time, and that batch's max timestamp. */
public record OffsetAndTimestamp(long offset, long timestampMs) {
}
