package dev.sluice.examples.kafkajs;

/**
 * The kafkajs example cannot run on this machine: Node.js or its packages could not be made ready. {@link #reason()}
 * tells "no Node here and none can be installed" (a test may skip on it) from a broken install (always a failure).
 */
public final class KafkajsSetupException extends RuntimeException {
    /** Why the example could not be set up. */
    public enum Reason {
        /** No node >= 18 and npm, and install-node.sh could not install them (exit code 3). */
        NODE_UNAVAILABLE,
        /** Node and npm are there, but {@code npm ci} failed (exit code 4). */
        PACKAGES_NOT_INSTALLED,
        /** The script is missing, failed another way, or did not finish in time. */
        SCRIPT_FAILED
    }

    private final Reason reason;

    public KafkajsSetupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
