package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** The topic name is not valid, or the operation is not allowed on an internal topic. */
public class InvalidTopicException extends SluiceException {
    public InvalidTopicException(String message) {
        super(ErrorCode.INVALID_TOPIC, message);
    }
}
