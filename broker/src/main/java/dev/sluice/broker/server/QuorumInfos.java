package dev.sluice.broker.server;

import dev.sluice.proto.v1.QuorumInfo;
import dev.sluice.proto.v1.VoterState;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.raft.io.ReplicaStatus;

/** Converts the Raft node's status into the public {@code QuorumInfo} message. */
final class QuorumInfos {
    private QuorumInfos() {
    }

    static QuorumInfo of(QuorumStatus status) {
        QuorumInfo.Builder info = QuorumInfo.newBuilder().setLeaderId(status.leaderId())
                .setLeaderEpoch(status.epoch()).setHighWatermark(status.highWatermark());
        status.voters().forEach(voter -> info.addVoters(voterState(voter)));
        status.observers().forEach(observer -> info.addObservers(voterState(observer)));
        return info.build();
    }

    private static VoterState voterState(ReplicaStatus replica) {
        return VoterState.newBuilder().setNodeId(replica.nodeId()).setLogEndOffset(replica.logEndOffset())
                .setLag(replica.lag()).setLastCaughtUpMsAgo(replica.lastCaughtUpMsAgo()).build();
    }
}
