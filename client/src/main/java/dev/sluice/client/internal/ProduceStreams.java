package dev.sluice.client.internal;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ProduceResponse;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's transport: one long-lived {@code ProduceStream} per broker, on which the {@link Sender} pipelines
 * its requests; the broker appends them in the order sent and answers them in that order, so the answers are matched
 * to the requests first in, first out. A request costs a message each way instead of a unary call.
 *
 * <p>Failures keep a unary call's meaning for every request they leave unanswered: a request not answered within
 * its timeout ends its stream ({@code DEADLINE_EXCEEDED}, for it and every later request on the stream, since answers
 * come in order), and a stream that ends with an error fails what it owes with that status. The next request opens
 * a new stream. A broker that answers {@code UNIMPLEMENTED} (an older version) gets unary {@code Produce} calls from
 * then on, starting with the requests the stream owed.
 *
 * <p>Threads: {@link #send} and {@link #close} from the sender's thread only; the streams' callbacks on gRPC's
 * threads, which only complete futures (each stream's queue is guarded by its monitor).
 */
final class ProduceStreams {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceStreams.class);

    static final MethodDescriptor<EncodedProduceRequest, ProduceResponse> PRODUCE_STREAM =
            EncodedProduceRequest.PRODUCE.toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(BrokerGrpc.getProduceStreamMethod().getFullMethodName()).build();

    private final ChannelPool channels;
    /** Sender thread only. */
    private final Map<String, Stream> streams = new HashMap<>();
    private final Set<String> unaryOnly = ConcurrentHashMap.newKeySet();

    ProduceStreams(ChannelPool channels) {
        this.channels = channels;
    }

    /**
     * Sends {@code request} to the broker at {@code address}; the answer, or its failure, completes the future.
     * Synchronized with the switch to unary calls ({@link Stream#onError}), so that a request sent now cannot pass
     * the requests a refused stream still owed, which are resent first.
     */
    synchronized ListenableFuture<ProduceResponse> send(String address, EncodedProduceRequest request,
                                                        int timeoutMs) {
        if (unaryOnly.contains(address)) {
            return unary(address, request, timeoutMs);
        }
        Stream stream = streams.get(address);
        if (stream == null || stream.hasEnded()) {
            stream = new Stream(address);
            streams.put(address, stream);
            ClientCalls.asyncBidiStreamingCall(channels.channel(address).newCall(PRODUCE_STREAM, CallOptions.DEFAULT),
                    stream);
        }
        Pending pending = new Pending(request, timeoutMs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs),
                SettableFuture.create());
        stream.send(pending);
        return pending.answer();
    }

    private ListenableFuture<ProduceResponse> unary(String address, EncodedProduceRequest request, int timeoutMs) {
        try {
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
            return ClientCalls.futureUnaryCall(channels.channel(address).newCall(EncodedProduceRequest.PRODUCE,
                    options), request);
        } catch (RuntimeException e) {
            return Futures.immediateFailedFuture(e);
        }
    }

    /** Half-closes every stream (nothing is owed on them when the producer closes cleanly). */
    synchronized void close() {
        streams.values().forEach(Stream::halfClose);
        streams.clear();
    }

    private record Pending(EncodedProduceRequest request, int timeoutMs, long deadlineNanos,
                           SettableFuture<ProduceResponse> answer) {
    }

    /** One stream to one broker and the answers it owes, oldest first. */
    private final class Stream implements ClientResponseObserver<EncodedProduceRequest, ProduceResponse> {
        private final String address;
        private ClientCallStreamObserver<EncodedProduceRequest> requests;
        /** Guarded by this. */
        private final Deque<Pending> owed = new ArrayDeque<>();
        private boolean ended;
        private boolean answeredOnce;
        /** A deadline check is scheduled (for the oldest request owed: answers come in order, so it expires first). */
        private boolean deadlineCheckScheduled;

        Stream(String address) {
            this.address = address;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<EncodedProduceRequest> requestStream) {
            this.requests = requestStream;
        }

        synchronized boolean hasEnded() {
            return ended;
        }

        synchronized void send(Pending pending) {
            if (ended) {
                pending.answer().setException(Status.UNAVAILABLE.withDescription("the produce stream to " + address
                        + " ended").asRuntimeException());
                return;
            }
            owed.add(pending);
            requests.onNext(pending.request());
            scheduleDeadlineCheck();
        }

        /** With the monitor held: one check at a time, at the oldest owed request's deadline. */
        private void scheduleDeadlineCheck() {
            if (deadlineCheckScheduled || ended || owed.isEmpty()) {
                return;
            }
            deadlineCheckScheduled = true;
            long delayNanos = Math.max(0, owed.peekFirst().deadlineNanos() - System.nanoTime());
            CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(this::checkDeadline);
        }

        private void checkDeadline() {
            Pending late;
            synchronized (this) {
                deadlineCheckScheduled = false;
                Pending oldest = owed.peekFirst();
                if (ended || oldest == null || oldest.deadlineNanos() - System.nanoTime() > 0) {
                    scheduleDeadlineCheck();
                    return;
                }
                late = oldest;
            }
            fail(Status.DEADLINE_EXCEEDED.withDescription("no response to a produce request within "
                    + late.timeoutMs() + " ms"));
        }

        @Override
        public void onNext(ProduceResponse response) {
            Pending pending;
            synchronized (this) {
                answeredOnce = true;
                pending = owed.pollFirst();
            }
            if (pending == null) {
                fail(Status.INTERNAL.withDescription("broker " + address
                        + " sent a produce response nobody asked for"));
            } else {
                pending.answer().set(response);
            }
        }

        @Override
        public void onError(Throwable error) {
            boolean older;
            synchronized (this) {
                older = Status.fromThrowable(error).getCode() == Status.Code.UNIMPLEMENTED && !answeredOnce;
            }
            if (older) {
                synchronized (ProduceStreams.this) {
                    LOG.info("Broker {} does not serve produce streams; producing to it with unary calls", address);
                    unaryOnly.add(address);
                    // In order, as they were sent, and before any later request (send waits for this monitor): the
                    // broker handles one connection's Produce calls in arrival order.
                    end().forEach(pending -> pending.answer().setFuture(unary(address, pending.request(),
                            pending.timeoutMs())));
                }
                return;
            }
            end().forEach(pending -> pending.answer().setException(error));
        }

        @Override
        public void onCompleted() {
            end().forEach(pending -> pending.answer().setException(Status.UNAVAILABLE.withDescription(
                    "broker " + address + " closed the produce stream").asRuntimeException()));
        }

        /** Ends the stream: cancels the call and fails every request it owes with {@code status}. */
        void fail(Status status) {
            List<Pending> unanswered = end();
            requests.cancel(status.toString(), null);
            unanswered.forEach(pending -> pending.answer().setException(status.asRuntimeException()));
        }

        synchronized void halfClose() {
            if (!ended) {
                ended = true;
                requests.onCompleted();
            }
        }

        /** Marks the stream ended and takes what it owes. */
        private synchronized List<Pending> end() {
            ended = true;
            List<Pending> unanswered = new ArrayList<>(owed);
            owed.clear();
            return unanswered;
        }
    }
}
