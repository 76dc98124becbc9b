package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** A record is larger than {@code max.request.size} or than the broker accepts. */
public class RecordTooLargeException extends SluiceException {
    public RecordTooLargeException(String message) {
        super(ErrorCode.MESSAGE_TOO_LARGE, message);
    }
}
