package dev.sluice.raft;

/** A message the shell must deliver to {@code destinationId}. */
public record Outbound(int destinationId, RaftMessage message) {
}
