package dev.sluice.controller;

import dev.sluice.proto.v1.ErrorCode;

/** Answer to a broker heartbeat: on success whether the broker is fenced once this heartbeat's records commit. */
public record BrokerHeartbeatReply(ErrorCode error, String errorMessage, boolean fenced) {
    public static BrokerHeartbeatReply error(ErrorCode error, String message) {
        return new BrokerHeartbeatReply(error, message, true);
    }
}
