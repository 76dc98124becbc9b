package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * The topic or partition does not exist. Retriable because a topic is briefly unknown to some
 * brokers right after its creation; it reaches the application once the retry budget is spent.
 */
public class UnknownTopicException extends RetriableException {
    public UnknownTopicException(String message) {
        super(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message);
    }
}
