package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** Topic creation failed because a topic with that name already exists. */
public class TopicExistsException extends SluiceException {
    public TopicExistsException(String message) {
        super(ErrorCode.TOPIC_ALREADY_EXISTS, message);
    }
}
