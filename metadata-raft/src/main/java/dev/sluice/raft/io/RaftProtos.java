package dev.sluice.raft.io;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.BeginQuorumEpochRequest;
import dev.sluice.proto.internal.v1.BeginQuorumEpochResponse;
import dev.sluice.proto.internal.v1.EndQuorumEpochRequest;
import dev.sluice.proto.internal.v1.EndQuorumEpochResponse;
import dev.sluice.proto.internal.v1.FetchSnapshotRequest;
import dev.sluice.proto.internal.v1.FetchSnapshotResponse;
import dev.sluice.proto.internal.v1.RaftEntry;
import dev.sluice.proto.internal.v1.RaftFetchRequest;
import dev.sluice.proto.internal.v1.RaftFetchResponse;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.internal.v1.VoteRequest;
import dev.sluice.proto.internal.v1.VoteResponse;
import dev.sluice.raft.LogEntry;
import dev.sluice.raft.RaftError;
import dev.sluice.raft.RaftMessage;
import java.util.List;

/**
 * Converts between the core's message records and the {@code sluice.internal.v1} protobuf messages: the only place
 * that knows both. Stateless. A response's sender is not always on the wire, so decoding a response takes the id of
 * the node that was called; a fetch response also takes the request, whose fetch offset and last epoch it repeats.
 */
final class RaftProtos {
    private RaftProtos() {
    }

    // ---- requests -------------------------------------------------------------------------------------------

    static VoteRequest toProto(RaftMessage.VoteRequest request, SenderIdentity sender) {
        return VoteRequest.newBuilder().setCandidateId(request.sourceId()).setCandidateEpoch(request.candidateEpoch())
            .setLastOffset(request.logEndOffset() - 1).setLastEpoch(request.lastEpoch()).setPreVote(request.preVote())
            .setSender(sender).build();
    }

    static RaftMessage.VoteRequest fromProto(VoteRequest request) {
        return new RaftMessage.VoteRequest(request.getCandidateId(), request.getCandidateEpoch(),
            request.getLastEpoch(), request.getLastOffset() + 1, request.getPreVote());
    }

    static BeginQuorumEpochRequest toProto(RaftMessage.BeginQuorumEpochRequest request, SenderIdentity sender) {
        return BeginQuorumEpochRequest.newBuilder().setLeaderId(request.sourceId())
            .setLeaderEpoch(request.leaderEpoch()).setSender(sender).build();
    }

    static RaftMessage.BeginQuorumEpochRequest fromProto(BeginQuorumEpochRequest request) {
        return new RaftMessage.BeginQuorumEpochRequest(request.getLeaderId(), request.getLeaderEpoch());
    }

    static EndQuorumEpochRequest toProto(RaftMessage.EndQuorumEpochRequest request, SenderIdentity sender) {
        return EndQuorumEpochRequest.newBuilder().setLeaderId(request.sourceId()).setLeaderEpoch(request.leaderEpoch())
            .addAllPreferredSuccessors(request.preferredSuccessors()).setSender(sender).build();
    }

    static RaftMessage.EndQuorumEpochRequest fromProto(EndQuorumEpochRequest request) {
        return new RaftMessage.EndQuorumEpochRequest(request.getLeaderId(), request.getLeaderEpoch(),
            request.getPreferredSuccessorsList());
    }

    static RaftFetchRequest toProto(RaftMessage.FetchRequest request, SenderIdentity sender) {
        return RaftFetchRequest.newBuilder().setReplicaId(request.sourceId()).setEpoch(request.epoch())
            .setFetchOffset(request.fetchOffset()).setLastFetchedEpoch(request.lastFetchedEpoch())
            .setHighWatermark(request.highWatermark()).setMaxBytes(request.maxBytes())
            .setMaxWaitMs(request.maxWaitMs()).setObserver(request.observer()).setSender(sender).build();
    }

    static RaftMessage.FetchRequest fromProto(RaftFetchRequest request) {
        return new RaftMessage.FetchRequest(request.getReplicaId(), request.getEpoch(), request.getFetchOffset(),
            request.getLastFetchedEpoch(), request.getHighWatermark(), request.getMaxBytes(), request.getMaxWaitMs(),
            request.getObserver());
    }

    static FetchSnapshotRequest toProto(RaftMessage.FetchSnapshotRequest request, SenderIdentity sender) {
        return FetchSnapshotRequest.newBuilder().setReplicaId(request.sourceId()).setEpoch(request.epoch())
            .setSnapshotEndOffset(request.snapshotEndOffset()).setSnapshotEpoch(request.snapshotEpoch())
            .setPosition(request.position()).setMaxBytes(request.maxBytes()).setSender(sender).build();
    }

    static RaftMessage.FetchSnapshotRequest fromProto(FetchSnapshotRequest request) {
        return new RaftMessage.FetchSnapshotRequest(request.getReplicaId(), request.getEpoch(),
            request.getSnapshotEndOffset(), request.getSnapshotEpoch(), request.getPosition(), request.getMaxBytes());
    }

    // ---- responses ------------------------------------------------------------------------------------------

    static VoteResponse toProto(RaftMessage.VoteResponse response) {
        return VoteResponse.newBuilder().setVoterId(response.sourceId()).setEpoch(response.epoch())
            .setGranted(response.granted()).setError(toProto(response.error())).setLeaderId(response.leaderId())
            .setPreVote(response.preVote()).build();
    }

    static RaftMessage.VoteResponse fromProto(int sourceId, VoteResponse response) {
        return new RaftMessage.VoteResponse(sourceId, response.getEpoch(), response.getGranted(),
            fromProto(response.getError()), response.getLeaderId(), response.getPreVote());
    }

    static BeginQuorumEpochResponse toProto(RaftMessage.BeginQuorumEpochResponse response) {
        return BeginQuorumEpochResponse.newBuilder().setVoterId(response.sourceId()).setEpoch(response.epoch())
            .setError(toProto(response.error())).build();
    }

    static RaftMessage.BeginQuorumEpochResponse fromProto(int sourceId, BeginQuorumEpochResponse response) {
        return new RaftMessage.BeginQuorumEpochResponse(sourceId, response.getEpoch(), fromProto(response.getError()));
    }

    static EndQuorumEpochResponse toProto(RaftMessage.EndQuorumEpochResponse response) {
        return EndQuorumEpochResponse.newBuilder().setVoterId(response.sourceId()).setEpoch(response.epoch())
            .setError(toProto(response.error())).build();
    }

    static RaftMessage.EndQuorumEpochResponse fromProto(int sourceId, EndQuorumEpochResponse response) {
        return new RaftMessage.EndQuorumEpochResponse(sourceId, response.getEpoch(), fromProto(response.getError()));
    }

    static RaftFetchResponse toProto(RaftMessage.FetchResponse response, SenderIdentity responder) {
        RaftFetchResponse.Builder builder = RaftFetchResponse.newBuilder().setResponder(responder)
            .setLeaderId(response.leaderId())
            .setEpoch(response.epoch()).setError(toProto(response.error()))
            .setHighWatermark(response.highWatermark()).setDivergingEpoch(response.divergingEpoch())
            .setDivergingEndOffset(response.divergingEndOffset()).setSnapshotEndOffset(response.snapshotEndOffset())
            .setSnapshotEpoch(response.snapshotEpoch()).setLogStartOffset(response.logStartOffset());
        for (LogEntry entry : response.entries()) {
            builder.addEntries(RaftEntry.newBuilder().setOffset(entry.offset()).setEpoch(entry.epoch())
                .setPayload(ByteString.copyFrom(entry.payload())));
        }
        return builder.build();
    }

    static RaftMessage.FetchResponse fromProto(int sourceId, RaftMessage.FetchRequest request,
                                               RaftFetchResponse response) {
        List<LogEntry> entries = response.getEntriesList().stream()
            .map(entry -> new LogEntry(entry.getOffset(), entry.getEpoch(), entry.getPayload().toByteArray()))
            .toList();
        return new RaftMessage.FetchResponse(sourceId, request.fetchOffset(), request.lastFetchedEpoch(),
            response.getLeaderId(), response.getEpoch(),
            fromProto(response.getError()), response.getHighWatermark(), entries, response.getDivergingEpoch(),
            response.getDivergingEndOffset(), response.getSnapshotEndOffset(), response.getSnapshotEpoch(),
            response.getLogStartOffset());
    }

    static FetchSnapshotResponse toProto(RaftMessage.FetchSnapshotResponse response) {
        return FetchSnapshotResponse.newBuilder().setLeaderId(response.leaderId()).setEpoch(response.epoch())
            .setError(toProto(response.error())).setSnapshotEndOffset(response.snapshotEndOffset())
            .setSnapshotEpoch(response.snapshotEpoch()).setSize(response.sizeBytes())
            .setPosition(response.position()).setChunk(ByteString.copyFrom(response.chunk())).build();
    }

    static RaftMessage.FetchSnapshotResponse fromProto(int sourceId, FetchSnapshotResponse response) {
        return new RaftMessage.FetchSnapshotResponse(sourceId, response.getLeaderId(), response.getEpoch(),
            fromProto(response.getError()), response.getSnapshotEndOffset(), response.getSnapshotEpoch(),
            response.getSize(), response.getPosition(), response.getChunk().toByteArray());
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    static dev.sluice.proto.internal.v1.RaftError toProto(RaftError error) {
        return switch (error) {
            case NONE -> dev.sluice.proto.internal.v1.RaftError.RAFT_NONE;
            case FENCED_LEADER_EPOCH -> dev.sluice.proto.internal.v1.RaftError.RAFT_FENCED_LEADER_EPOCH;
            case NOT_LEADER -> dev.sluice.proto.internal.v1.RaftError.RAFT_NOT_LEADER;
            case INCONSISTENT_VOTER -> dev.sluice.proto.internal.v1.RaftError.RAFT_INCONSISTENT_VOTER;
            case UNKNOWN_SNAPSHOT -> dev.sluice.proto.internal.v1.RaftError.RAFT_UNKNOWN_SNAPSHOT;
        };
    }

    static RaftError fromProto(dev.sluice.proto.internal.v1.RaftError error) {
        return switch (error) {
            case RAFT_NONE -> RaftError.NONE;
            case RAFT_FENCED_LEADER_EPOCH -> RaftError.FENCED_LEADER_EPOCH;
            case RAFT_NOT_LEADER -> RaftError.NOT_LEADER;
            case RAFT_INCONSISTENT_VOTER -> RaftError.INCONSISTENT_VOTER;
            case RAFT_UNKNOWN_SNAPSHOT -> RaftError.UNKNOWN_SNAPSHOT;
            // The transport turns these into failures before converting a response (see PeerRefusals).
            case RAFT_INCONSISTENT_CLUSTER_ID, RAFT_DUPLICATE_NODE_ID -> throw new IllegalArgumentException(
                "identity refusal " + error + " has no core error");
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown Raft error code from a peer");
        };
    }
}
