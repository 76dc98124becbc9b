package dev.sluice.raft.io;

import dev.sluice.proto.internal.v1.BeginQuorumEpochRequest;
import dev.sluice.proto.internal.v1.BeginQuorumEpochResponse;
import dev.sluice.proto.internal.v1.EndQuorumEpochRequest;
import dev.sluice.proto.internal.v1.EndQuorumEpochResponse;
import dev.sluice.proto.internal.v1.FetchSnapshotRequest;
import dev.sluice.proto.internal.v1.FetchSnapshotResponse;
import dev.sluice.proto.internal.v1.RaftFetchRequest;
import dev.sluice.proto.internal.v1.RaftFetchResponse;
import dev.sluice.proto.internal.v1.RaftError;
import dev.sluice.proto.internal.v1.RaftGrpc;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.internal.v1.VoteRequest;
import dev.sluice.proto.internal.v1.VoteResponse;
import dev.sluice.raft.RaftMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;

/**
 * The gRPC {@code Raft} service: checks each call's sender ({@link RaftIdentityGuard}), converts it into a core
 * request, hands it to the driver thread and answers when the core does (a held fetch answers later). A refused
 * sender is answered at once with the refusal as the response's error and nothing else set. A gRPC status reports
 * transport trouble only: the node not running. Thread-safe; called on gRPC threads.
 */
final class RaftGrpcService extends RaftGrpc.RaftImplBase {
    private final RaftDriver driver;
    private final RaftIdentityGuard guard;
    private final SenderIdentity identity;

    /** {@code identity} goes with every fetch response, so fetchers learn which directory this node runs from. */
    RaftGrpcService(RaftDriver driver, RaftIdentityGuard guard, SenderIdentity identity) {
        this.driver = driver;
        this.guard = guard;
        this.identity = identity;
    }

    @Override
    public void vote(VoteRequest request, StreamObserver<VoteResponse> observer) {
        RaftError refusal = guard.check("Vote", request.getCandidateId(), request.getSender(), false);
        if (refusal != RaftError.RAFT_NONE) {
            answer(observer, VoteResponse.newBuilder().setError(refusal).setEpoch(-1).setLeaderId(-1).build());
            return;
        }
        submit(RaftProtos.fromProto(request), response -> RaftProtos.toProto((RaftMessage.VoteResponse) response),
            observer);
    }

    @Override
    public void beginQuorumEpoch(BeginQuorumEpochRequest request, StreamObserver<BeginQuorumEpochResponse> observer) {
        RaftError refusal = guard.check("BeginQuorumEpoch", request.getLeaderId(), request.getSender(), false);
        if (refusal != RaftError.RAFT_NONE) {
            answer(observer, BeginQuorumEpochResponse.newBuilder().setError(refusal).setEpoch(-1).build());
            return;
        }
        submit(RaftProtos.fromProto(request),
            response -> RaftProtos.toProto((RaftMessage.BeginQuorumEpochResponse) response), observer);
    }

    @Override
    public void endQuorumEpoch(EndQuorumEpochRequest request, StreamObserver<EndQuorumEpochResponse> observer) {
        RaftError refusal = guard.check("EndQuorumEpoch", request.getLeaderId(), request.getSender(), false);
        if (refusal != RaftError.RAFT_NONE) {
            answer(observer, EndQuorumEpochResponse.newBuilder().setError(refusal).setEpoch(-1).build());
            return;
        }
        submit(RaftProtos.fromProto(request),
            response -> RaftProtos.toProto((RaftMessage.EndQuorumEpochResponse) response), observer);
    }

    @Override
    public void fetch(RaftFetchRequest request, StreamObserver<RaftFetchResponse> observer) {
        RaftError refusal = guard.check("Fetch", request.getReplicaId(), request.getSender(), true);
        if (refusal != RaftError.RAFT_NONE) {
            answer(observer, RaftFetchResponse.newBuilder().setError(refusal).setEpoch(-1).setLeaderId(-1)
                .setHighWatermark(-1).setDivergingEndOffset(-1).setSnapshotEndOffset(-1).build());
            return;
        }
        submit(RaftProtos.fromProto(request),
            response -> RaftProtos.toProto((RaftMessage.FetchResponse) response, identity), observer);
    }

    @Override
    public void fetchSnapshot(FetchSnapshotRequest request, StreamObserver<FetchSnapshotResponse> observer) {
        RaftError refusal = guard.check("FetchSnapshot", request.getReplicaId(), request.getSender(), true);
        if (refusal != RaftError.RAFT_NONE) {
            answer(observer, FetchSnapshotResponse.newBuilder().setError(refusal).setEpoch(-1).setLeaderId(-1)
                .build());
            return;
        }
        submit(RaftProtos.fromProto(request),
            response -> RaftProtos.toProto((RaftMessage.FetchSnapshotResponse) response), observer);
    }

    private static <P> void answer(StreamObserver<P> observer, P response) {
        try {
            observer.onNext(response);
            observer.onCompleted();
        } catch (RuntimeException e) {
            // The caller gave up (deadline or cancel) before the answer; nothing is waiting for it.
        }
    }
    private <P> void submit(RaftMessage.Request request, Function<RaftMessage.Response, P> convert,
                            StreamObserver<P> observer) {
        driver.submitRequest(request, new RaftDriver.Responder() {
            @Override
            public void respond(RaftMessage.Response response) {
                try {
                    observer.onNext(convert.apply(response));
                    observer.onCompleted();
                } catch (RuntimeException e) {
                    // The caller gave up (deadline or cancel) before the answer; nothing is waiting for it.
                }
            }

            @Override
            public void fail(String reason) {
                try {
                    observer.onError(Status.UNAVAILABLE.withDescription(reason).asRuntimeException());
                } catch (RuntimeException e) {
                    // As above: the call is already closed.
                }
            }
        });
    }
}
