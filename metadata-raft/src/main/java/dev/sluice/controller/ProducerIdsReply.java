package dev.sluice.controller;

import dev.sluice.proto.v1.ErrorCode;

/** Answer to a producer id allocation: the block {@code [firstProducerId, firstProducerId + count)}. */
public record ProducerIdsReply(ErrorCode error, String errorMessage, long firstProducerId, int count) {
    public static ProducerIdsReply error(ErrorCode error, String message) {
        return new ProducerIdsReply(error, message, -1, 0);
    }
}
