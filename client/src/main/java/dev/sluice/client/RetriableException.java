package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * A failure that may succeed when retried (a leader moved, a replica is catching up, a broker is
 * briefly unreachable). Producers retry these internally until {@code delivery.timeout.ms}; when
 * one reaches the application the time budget is spent.
 */
public class RetriableException extends SluiceException {
    public RetriableException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public RetriableException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
