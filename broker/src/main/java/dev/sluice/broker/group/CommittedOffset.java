package dev.sluice.broker.group;

/** A committed position: the next offset the group will consume, with the application's metadata string. */
public record CommittedOffset(long offset, String metadata, long commitTimestampMs) {
}
