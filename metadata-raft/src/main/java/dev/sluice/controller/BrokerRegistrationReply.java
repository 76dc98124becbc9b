package dev.sluice.controller;

import dev.sluice.proto.v1.ErrorCode;

/** Answer to a broker registration: on success the epoch the broker must present in its heartbeats. */
public record BrokerRegistrationReply(ErrorCode error, String errorMessage, long brokerEpoch) {
    public static BrokerRegistrationReply error(ErrorCode error, String message) {
        return new BrokerRegistrationReply(error, message, -1);
    }
}
