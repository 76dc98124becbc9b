package dev.sluice.broker.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One client's request stream ({@code ProduceStream}, {@code FetchStream}): each request is handled as its unary
 * twin would be, in the order it arrived (gRPC delivers one call's messages one at a time; Produce's on the
 * connection's ordered executor), and the responses go out in that same order, however their handling completes
 * ({@code acks=all} completes when the high watermark passes, which is in order for one partition but not across
 * partitions; a fetch when its long poll ends). At most {@link #MAX_IN_FLIGHT} requests are handled at once: the
 * next is read from the transport only when one is answered.
 *
 * <p>A handling failure ends the stream with its status; the requests after it get no response, and the client
 * treats them as a unary call's transport failure (an unknown outcome).
 *
 * <p>Threads: messages arrive one at a time; completions come from any thread, so the queue and the response stream
 * are guarded by this object's monitor.
 *
 * @param <Q> the request type
 * @param <A> the response type
 */
final class InOrderStream<Q, A> implements StreamObserver<Q> {

    /** Requests handled at once per stream (Kafka's producer pipelines 5 per connection by default). */
    static final int MAX_IN_FLIGHT = 32;

    private final ServerCallStreamObserver<A> responses;
    private final Function<Q, CompletableFuture<A>> handler;
    /** Guarded by this: the responses still owed, oldest first. */
    private final Deque<CompletableFuture<A>> owed = new ArrayDeque<>();
    private boolean halfClosed;
    private boolean closed;
    /** The transport holds back the next request because {@link #MAX_IN_FLIGHT} are owed. */
    private boolean heldBack;

    /**
     * @param responses the call's response side; auto request must be disabled before the call starts
     * @param handler handles one request (holding it for a quota, appending or reading) and completes with its
     *     response
     */
    InOrderStream(ServerCallStreamObserver<A> responses,
                  Function<Q, CompletableFuture<A>> handler) {
        this.responses = responses;
        this.handler = handler;
        // With a cancel handler, a response sent after the client went away is dropped instead of thrown.
        responses.setOnCancelHandler(this::clientGone);
    }

    /** Starts reading requests. */
    void start() {
        responses.request(1);
    }

    @Override
    public void onNext(Q request) {
        CompletableFuture<A> response;
        try {
            response = handler.apply(request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        synchronized (this) {
            owed.add(response);
            if (owed.size() < MAX_IN_FLIGHT) {
                responses.request(1);
            } else {
                heldBack = true;
            }
        }
        response.whenComplete((answer, failure) -> sendAnswered());
    }

    /** Sends every answered response at the head of the queue, in order. */
    private synchronized void sendAnswered() {
        while (!closed && !owed.isEmpty() && owed.peekFirst().isDone()) {
            CompletableFuture<A> head = owed.pollFirst();
            A answer;
            try {
                answer = head.join();
            } catch (RuntimeException e) {
                close(statusOf(e));
                return;
            }
            responses.onNext(answer);
            if (heldBack) {
                heldBack = false;
                responses.request(1);
            }
        }
        if (!closed && halfClosed && owed.isEmpty()) {
            closed = true;
            responses.onCompleted();
        }
    }

    @Override
    public void onError(Throwable error) {
        clientGone();
    }

    /** The client went away: nothing more can be sent; what is being handled completes unanswered. */
    private synchronized void clientGone() {
        closed = true;
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
        }
        sendAnswered();
    }

    /** A failure's own status (a refusal such as a stopping broker), or INTERNAL for an unexpected one. */
    private static Status statusOf(RuntimeException failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof io.grpc.StatusRuntimeException refusal ? refusal.getStatus()
                : GrpcErrors.internal(cause).getStatus();
    }

    private void close(Status status) {
        closed = true;
        owed.clear();
        responses.onError(status.asRuntimeException());
    }
}
