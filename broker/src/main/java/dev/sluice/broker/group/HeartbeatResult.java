package dev.sluice.broker.group;

import dev.sluice.proto.v1.ErrorCode;
import java.util.Set;

/** The coordinator's answer to a {@link Heartbeat}: an error, or the member's id, epoch and assignment. */
public record HeartbeatResult(ErrorCode error, String message, String memberId, int memberEpoch, int groupEpoch,
                              Set<TopicPartition> assignment, int heartbeatIntervalMs) {
    static HeartbeatResult failed(ErrorCode error, String message) {
        return new HeartbeatResult(error, message, "", 0, 0, Set.of(), 0);
    }
}
