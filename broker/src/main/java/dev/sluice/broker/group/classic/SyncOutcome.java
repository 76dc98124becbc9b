package dev.sluice.broker.group.classic;

import dev.sluice.proto.v1.ErrorCode;

/** The answer to a SyncGroup: this member's assignment, as the leader computed it. */
public record SyncOutcome(ErrorCode error, String message, String protocolType, String protocolName,
                          byte[] assignment) {
    static SyncOutcome failed(ErrorCode error, String message) {
        return new SyncOutcome(error, message, null, null, new byte[0]);
    }
}
