package dev.sluice.security.scram;

/**
 * A SCRAM exchange that cannot go on: a malformed message, or (on the client) a server that failed to prove it knows
 * the credential. Its message never holds a password, a key or a proof.
 */
public final class ScramException extends RuntimeException {
    public ScramException(String message) {
        super(message);
    }
}
