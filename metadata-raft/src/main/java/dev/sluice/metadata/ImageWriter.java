package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;

/**
 * Receives the records that rebuild an image when replayed from {@link MetadataImage#EMPTY}, in order (for
 * snapshots). Called on the thread that writes the image.
 */
@FunctionalInterface
public interface ImageWriter {
    void write(MetadataRecord record);
}
