package dev.sluice.broker.group;

/** Identifies one committed offset: a group's position in one partition. */
public record OffsetKey(String groupId, String topic, int partition) {
}
