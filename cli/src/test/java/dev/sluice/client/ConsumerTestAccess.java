package dev.sluice.client;

/** Test access to a consumer's crash simulation: stops it without leaving its group or committing. */
public final class ConsumerTestAccess {
    private ConsumerTestAccess() {
    }

    public static void abandon(Consumer<?, ?> consumer) {
        consumer.abandon();
    }
}
