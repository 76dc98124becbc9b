package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** A request, a delivery or a blocking call did not complete within its time budget. */
public class TimeoutException extends RetriableException {
    public TimeoutException(String message) {
        super(ErrorCode.REQUEST_TIMED_OUT, message);
    }

    public TimeoutException(String message, Throwable cause) {
        super(ErrorCode.REQUEST_TIMED_OUT, message, cause);
    }
}
