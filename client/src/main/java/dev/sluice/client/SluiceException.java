package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * Base of every exception the Sluice client throws for a failed request. It carries the typed
 * {@link ErrorCode} the broker answered with; failures with no broker answer (transport errors,
 * client-side timeouts) carry {@link ErrorCode#UNKNOWN_SERVER_ERROR} or {@link ErrorCode#REQUEST_TIMED_OUT}.
 * Immutable, safe to share between threads.
 */
public class SluiceException extends RuntimeException {
    private final ErrorCode errorCode;

    public SluiceException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public SluiceException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The typed error code of the failure. */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
