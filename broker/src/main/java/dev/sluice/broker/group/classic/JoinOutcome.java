package dev.sluice.broker.group.classic;

import dev.sluice.proto.v1.ErrorCode;
import java.util.List;

/**
 * The answer to a JoinGroup: the new generation, its protocol and leader; the leader alone gets every member with
 * its metadata for the chosen protocol, to compute the assignment from.
 */
public record JoinOutcome(ErrorCode error, String message, int generation, String protocolType,
                          String protocolName, String leaderId, String memberId, List<JoinedMember> members) {
    /** A member as the leader sees it. */
    public record JoinedMember(String memberId, String instanceId, byte[] metadata) {
    }

    static JoinOutcome failed(ErrorCode error, String message, String memberId) {
        return new JoinOutcome(error, message, -1, null, null, "", memberId, List.of());
    }
}
