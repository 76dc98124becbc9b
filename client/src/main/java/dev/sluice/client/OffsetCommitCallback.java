package dev.sluice.client;

import java.util.Map;

/** Completion of {@link Consumer#commitAsync}; runs on the polling thread inside a later poll, commit or close. */
@FunctionalInterface
public interface OffsetCommitCallback {
    /** @param exception null on success */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
