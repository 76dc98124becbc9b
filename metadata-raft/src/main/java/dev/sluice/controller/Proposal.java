package dev.sluice.controller;

import java.util.function.Consumer;

/**
 * One decision waiting for its commit: it answers once the committed image reaches the offset its records were
 * committed at (a decision with no records answers once everything before it has). Controller thread.
 */
final class Proposal {
    static final long UNKNOWN_OFFSET = -1;

    private final boolean hasRecords;
    private final Runnable onCommit;
    private final Consumer<String> onFailure;
    private long committedOffset = UNKNOWN_OFFSET;

    Proposal(boolean hasRecords, Runnable onCommit, Consumer<String> onFailure) {
        this.hasRecords = hasRecords;
        this.onCommit = onCommit;
        this.onFailure = onFailure;
    }

    boolean hasRecords() {
        return hasRecords;
    }

    void committedAt(long offset) {
        committedOffset = offset;
    }

    /** True when the committed image at {@code committedImageOffset} holds this proposal's records. */
    boolean isVisibleAt(long committedImageOffset) {
        return !hasRecords || (committedOffset != UNKNOWN_OFFSET && committedImageOffset >= committedOffset);
    }

    void complete() {
        onCommit.run();
    }

    void fail(String message) {
        onFailure.accept(message);
    }
}
