package dev.sluice.broker.group;

import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.ErrorCode;

/** Why a member's commit was refused, in words for the client's log. Pure. */
final class CommitRefusals {
    private CommitRefusals() {
    }

    static String message(ErrorCode error, CommitOffsetsRequest request) {
        return switch (error) {
            case STALE_MEMBER_EPOCH -> "member " + request.getMemberId() + " committed with an old member epoch "
                    + request.getMemberEpoch() + "; retry with the current one";
            case FENCED_MEMBER_EPOCH -> "member " + request.getMemberId() + " committed with member epoch "
                    + request.getMemberEpoch() + ", which the coordinator never gave it; rejoin";
            case ILLEGAL_GENERATION -> "member " + request.getMemberId() + " committed in generation "
                    + request.getMemberEpoch() + ", not the group's current one; rejoin";
            case REBALANCE_IN_PROGRESS -> "group " + request.getGroupId() + " is rebalancing; commit after it";
            case FENCED_INSTANCE_ID -> "another member holds this member's group.instance.id";
            default -> "group " + request.getGroupId() + " has no member " + request.getMemberId()
                    + " (expired, removed, or the coordinator moved); rejoin before committing";
        };
    }
}
