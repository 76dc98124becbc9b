package dev.sluice.raft.io;

import dev.sluice.proto.internal.v1.BeginQuorumEpochResponse;
import dev.sluice.proto.internal.v1.EndQuorumEpochResponse;
import dev.sluice.proto.internal.v1.FetchSnapshotResponse;
import dev.sluice.proto.internal.v1.RaftError;
import dev.sluice.proto.internal.v1.RaftFetchResponse;
import dev.sluice.proto.internal.v1.RaftGrpc;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.internal.v1.VoteResponse;
import dev.sluice.raft.RaftMessage;
import dev.sluice.security.ChannelSecurity;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link Transport} over gRPC: one channel per voter (plaintext, or TLS with the cluster's certificates), opened on
 * first use, and a deadline on every call (a fetch gets its long-poll wait on top). Every request carries this node's
 * {@link SenderIdentity}; an answer that refuses it ({@link PeerRefusals#isRefusal}) fails the request, as a transport
 * failure would. Thread-safe.
 */
final class GrpcTransport implements Transport {
    private final Map<Integer, InetSocketAddress> addresses;
    private final long requestTimeoutMs;
    private final SenderIdentity sender;
    private final PeerRefusals refusals;
    private final RaftIdentityGuard guard;
    private final ChannelSecurity security;
    private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** {@code guard} learns from fetch responses which directory the leader runs from. */
    GrpcTransport(Map<Integer, InetSocketAddress> addresses, long requestTimeoutMs, SenderIdentity sender,
                  PeerRefusals refusals, RaftIdentityGuard guard, ChannelSecurity security) {
        this.addresses = Map.copyOf(addresses);
        this.requestTimeoutMs = requestTimeoutMs;
        this.sender = sender;
        this.refusals = refusals;
        this.guard = guard;
        this.security = security;
    }

    @Override
    public CompletableFuture<RaftMessage.Response> send(int destinationId, RaftMessage.Request request) {
        InetSocketAddress address = addresses.get(destinationId);
        if (address == null || closed) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no route to node " + destinationId));
        }
        ManagedChannel channel = channels.computeIfAbsent(destinationId,
            id -> security.open(address.getHostString(), address.getPort()));
        long timeoutMs = requestTimeoutMs;
        if (request instanceof RaftMessage.FetchRequest fetch) {
            timeoutMs += fetch.maxWaitMs();
        }
        RaftGrpc.RaftStub stub = RaftGrpc.newStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
        return call(destinationId, request, stub);
    }

    private CompletableFuture<RaftMessage.Response> call(int destinationId, RaftMessage.Request request,
                                                         RaftGrpc.RaftStub stub) {
        CompletableFuture<RaftMessage.Response> result = new CompletableFuture<>();
        if (request instanceof RaftMessage.VoteRequest vote) {
            stub.vote(RaftProtos.toProto(vote, sender), observer(destinationId, result, VoteResponse::getError,
                p -> RaftProtos.fromProto(destinationId, p)));
        } else if (request instanceof RaftMessage.BeginQuorumEpochRequest begin) {
            stub.beginQuorumEpoch(RaftProtos.toProto(begin, sender), observer(destinationId, result,
                BeginQuorumEpochResponse::getError, p -> RaftProtos.fromProto(destinationId, p)));
        } else if (request instanceof RaftMessage.EndQuorumEpochRequest end) {
            stub.endQuorumEpoch(RaftProtos.toProto(end, sender), observer(destinationId, result,
                EndQuorumEpochResponse::getError, p -> RaftProtos.fromProto(destinationId, p)));
        } else if (request instanceof RaftMessage.FetchRequest fetch) {
            stub.fetch(RaftProtos.toProto(fetch, sender), observer(destinationId, result,
                RaftFetchResponse::getError, p -> {
                    guard.observeResponder(destinationId, p.getResponder());
                    return RaftProtos.fromProto(destinationId, fetch, p);
                }));
        } else if (request instanceof RaftMessage.FetchSnapshotRequest snapshot) {
            stub.fetchSnapshot(RaftProtos.toProto(snapshot, sender), observer(destinationId, result,
                FetchSnapshotResponse::getError, p -> RaftProtos.fromProto(destinationId, p)));
        }
        return result;
    }

    private <P> StreamObserver<P> observer(int destinationId, CompletableFuture<RaftMessage.Response> result,
                                           Function<P, RaftError> error,
                                           Function<P, RaftMessage.Response> convert) {
        return new StreamObserver<>() {
            @Override
            public void onNext(P response) {
                if (PeerRefusals.isRefusal(error.apply(response))) {
                    result.completeExceptionally(refusals.refused(destinationId, error.apply(response)));
                    return;
                }
                refusals.answered(destinationId);
                try {
                    result.complete(convert.apply(response));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void onError(Throwable failure) {
                result.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new IllegalStateException("call completed without a response"));
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
