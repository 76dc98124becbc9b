package dev.sluice.metadata;

/**
 * Reacts to committed metadata (become leader, become follower, stop a replica, answer a request). Called on the
 * loader's thread, in offset order; a publisher that blocks holds up metadata for the whole node, so slow work should
 * be handed to the publisher's own thread.
 */
@FunctionalInterface
public interface MetadataPublisher {
    /** {@code delta} holds what changed since the previous image; {@code newImage} is the image after it. */
    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}
