package dev.sluice.client;

/**
 * This consumer's membership: its group, the generation (member epoch) of the assignment it applied last, its member
 * id ({@code ""} before joining) and its static instance id ({@code ""} when dynamic).
 */
public record ConsumerGroupMetadata(String groupId, int generationId, String memberId, String groupInstanceId) {
}
