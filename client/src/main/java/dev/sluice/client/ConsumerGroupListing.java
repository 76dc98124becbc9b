package dev.sluice.client;

/** A group as {@link Admin#listGroups()} reports it: id, state (Empty, Reconciling, Stable) and member count. */
public record ConsumerGroupListing(String groupId, String state, int members) {
}
