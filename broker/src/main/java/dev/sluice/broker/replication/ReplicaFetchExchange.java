package dev.sluice.broker.replication;

import dev.sluice.broker.grpc.AliasingMarshaller;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link ReplicaFetcher} puts one fetch to its leader and waits for the answer: over one long-lived
 * {@code ReplicaFetchStream}, one request at a time, so a round trip costs a message each way instead of a call. A
 * stream that fails or times out is cancelled and the next fetch opens a new one. A leader that answers the stream
 * {@code UNIMPLEMENTED} (an older version, during a rolling upgrade) is asked with unary {@code ReplicaFetch} calls
 * from then on.
 *
 * <p>Threads: {@link #exchange} from the fetcher's thread only; the stream's callbacks run on the transport thread
 * and only complete the pending answer.
 */
final class ReplicaFetchExchange {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFetchExchange.class);

    /**
     * Both methods read the answer with batches that alias the received bytes ({@link AliasingMarshaller}): each
     * batch is copied once, into the array that goes to RocksDB.
     */
    static final MethodDescriptor<ReplicaFetchRequest, ReplicaFetchResponse> REPLICA_FETCH =
            ReplicationGrpc.getReplicaFetchMethod().toBuilder(
                    ReplicationGrpc.getReplicaFetchMethod().getRequestMarshaller(),
                    new AliasingMarshaller<>(ReplicaFetchResponse.getDefaultInstance())).build();
    static final MethodDescriptor<ReplicaFetchRequest, ReplicaFetchResponse> REPLICA_FETCH_STREAM =
            ReplicationGrpc.getReplicaFetchStreamMethod().toBuilder(
                    ReplicationGrpc.getReplicaFetchStreamMethod().getRequestMarshaller(),
                    new AliasingMarshaller<>(ReplicaFetchResponse.getDefaultInstance())).build();

    private final Channel channel;
    private final int leaderId;
    private volatile Stream stream;
    private boolean unaryOnly;

    ReplicaFetchExchange(Channel channel, int leaderId) {
        this.channel = channel;
        this.leaderId = leaderId;
    }

    /**
     * Sends {@code request} and waits up to {@code timeoutMs} for its answer.
     *
     * @throws StatusRuntimeException on a transport failure, a refusal of the whole call, or the timeout
     *     ({@code DEADLINE_EXCEEDED})
     */
    ReplicaFetchResponse exchange(ReplicaFetchRequest request, long timeoutMs) {
        if (unaryOnly) {
            return ClientCalls.blockingUnaryCall(channel, REPLICA_FETCH,
                    CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), request);
        }
        if (stream == null) {
            stream = new Stream();
            // Callbacks on the transport thread: they only complete the pending answer, which the fetcher's thread
            // waits for (as a blocking unary call hands its answer straight to the waiting thread).
            ClientCalls.asyncBidiStreamingCall(channel.newCall(REPLICA_FETCH_STREAM,
                    CallOptions.DEFAULT.withExecutor(Runnable::run)), stream);
        }
        Stream current = stream;
        try {
            return current.exchange(request, timeoutMs);
        } catch (StatusRuntimeException e) {
            stream = null;
            current.cancel("replica fetch stream failed: " + e.getStatus());
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                log.info("Broker {} does not serve replica fetch streams; fetching from it with unary calls",
                        leaderId);
                unaryOnly = true;
                return exchange(request, timeoutMs);
            }
            throw e;
        }
    }

    /** Cancels the open stream, if any. */
    void close() {
        Stream current = stream;
        stream = null;
        if (current != null) {
            current.cancel("the fetcher stopped");
        }
    }

    /** One open stream and the answer it owes. */
    private static final class Stream implements ClientResponseObserver<ReplicaFetchRequest, ReplicaFetchResponse> {
        private volatile ClientCallStreamObserver<ReplicaFetchRequest> requests;
        private volatile CompletableFuture<ReplicaFetchResponse> pending = new CompletableFuture<>();
        /** Set once the stream ended: every later exchange fails with it. */
        private volatile Throwable ended;

        @Override
        public void beforeStart(ClientCallStreamObserver<ReplicaFetchRequest> requestStream) {
            this.requests = requestStream;
        }

        ReplicaFetchResponse exchange(ReplicaFetchRequest request, long timeoutMs) {
            CompletableFuture<ReplicaFetchResponse> answer = new CompletableFuture<>();
            pending = answer;
            Throwable failure = ended;
            if (failure != null) {
                throw Status.fromThrowable(failure).asRuntimeException();
            }
            requests.onNext(request);
            try {
                return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw Status.DEADLINE_EXCEEDED.withDescription("no answer to a replica fetch within " + timeoutMs
                        + " ms").asRuntimeException();
            } catch (ExecutionException e) {
                throw Status.fromThrowable(e.getCause()).asRuntimeException();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        }

        @Override
        public void onNext(ReplicaFetchResponse response) {
            pending.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            end(error);
        }

        @Override
        public void onCompleted() {
            end(Status.UNAVAILABLE.withDescription("the leader closed the replica fetch stream").asRuntimeException());
        }

        private void end(Throwable failure) {
            ended = failure;
            pending.completeExceptionally(failure);
        }

        void cancel(String why) {
            requests.cancel(why, null);
        }
    }
}
