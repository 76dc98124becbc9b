package dev.sluice.client;

import java.util.Objects;

/**
 * A committed offset: the next offset the group will consume, plus free-form metadata.
 *
 * @param offset the next offset to consume, {@code >= 0}
 * @param metadata application metadata stored with the commit, never null
 */
public record OffsetAndMetadata(long offset, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        metadata = Objects.requireNonNullElse(metadata, "");
    }

    public OffsetAndMetadata(long offset) {
        this(offset, "");
    }
}
