package dev.sluice.chaos.nemesis;

import java.util.Optional;

/**
 * One kind of fault. The schedule calls {@link #start} then, after the fault window, {@link #heal}; at most one fault
 * is active at a time and both run on the nemesis thread. A nemesis keeps what it needs to heal (its target) between
 * the two calls. {@link #heal} must leave the cluster whole: every node running, every link restored.
 */
public interface Nemesis {
    String name();

    /** Empty when the fault can be injected here; otherwise why not (the run records it and skips the nemesis). */
    default Optional<String> unavailableReason(NemesisContext context) {
        return Optional.empty();
    }

    /** Called once before the cluster starts (e.g. to mount a small tmpfs). */
    default void prepare(NemesisContext context) throws Exception {
    }

    /** Injects the fault; returns what was done, for the timeline. */
    String start(NemesisContext context) throws Exception;

    /** Removes the fault; returns what was done. */
    String heal(NemesisContext context) throws Exception;

    /** Called once after the cluster stopped (e.g. to unmount). */
    default void close(NemesisContext context) {
    }
}
