package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** A partition has no leader right now (an election is in progress or metadata is stale). */
public class LeaderNotAvailableException extends RetriableException {
    public LeaderNotAvailableException(String message) {
        super(ErrorCode.LEADER_NOT_AVAILABLE, message);
    }
}
