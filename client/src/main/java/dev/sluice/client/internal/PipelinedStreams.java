package dev.sluice.client.internal;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
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
 * A client's transport for one kind of request: one long-lived bidirectional stream per broker, on which the
 * requests are pipelined; the broker handles them in the order sent and answers them in that order, so the answers
 * are matched to the requests first in, first out. A request costs a message each way instead of a unary call. The
 * producer sends its Produce requests this way ({@code ProduceStream}), the consumer its fetches ({@code
 * FetchStream}).
 *
 * <p>Failures keep a unary call's meaning for every request they leave unanswered: a request not answered within
 * its timeout ends its stream ({@code DEADLINE_EXCEEDED}, for it and every later request on the stream, since answers
 * come in order), and a stream that ends with an error fails what it owes with that status. The next request opens
 * a new stream. A broker that answers {@code UNIMPLEMENTED} (an older version) gets unary calls from then on,
 * starting with the requests the stream owed, in the order sent.
 *
 * <p>Threads: {@link #send} and {@link #close} from one thread (the producer's sender, the consumer's polling
 * thread); the streams' callbacks on gRPC's transport threads, which only complete futures and must never block
 * (each stream's queue is guarded by its monitor).
 *
 * @param <Q> the request type
 * @param <A> the answer type
 */
final class PipelinedStreams<Q, A> {
    private static final Logger LOG = LoggerFactory.getLogger(PipelinedStreams.class);

    /**
     * The streams' callbacks run on the transport thread that read the answer: they parse it and complete its future,
     * whose listeners only enqueue it for the sending thread (and wake it). A hand-off to gRPC's executor would cost a
     * thread wake-up per answer and buy nothing; on two cores it cost 8-20 % of produce throughput and a fifth of
     * the 3-node ping-pong p99 (docs/performance.md).
     */
    private static final CallOptions ANSWER_ON_TRANSPORT = CallOptions.DEFAULT.withExecutor(
            MoreExecutors.directExecutor());

    private final ChannelPool channels;
    private final MethodDescriptor<Q, A> streamMethod;
    private final MethodDescriptor<Q, A> unaryMethod;
    /** What the requests are, for messages: "produce", "fetch". */
    private final String kind;
    /** The sending thread only. */
    private final Map<String, Stream> streams = new HashMap<>();
    private final Set<String> unaryOnly = ConcurrentHashMap.newKeySet();

    /**
     * @param streamMethod the bidirectional streaming method
     * @param unaryMethod its unary twin, for brokers without the stream
     */
    PipelinedStreams(ChannelPool channels, MethodDescriptor<Q, A> streamMethod, MethodDescriptor<Q, A> unaryMethod,
                     String kind) {
        this.channels = channels;
        this.streamMethod = streamMethod;
        this.unaryMethod = unaryMethod;
        this.kind = kind;
    }

    /**
     * Sends {@code request} to the broker at {@code address}; the answer, or its failure, completes the future.
     * Synchronized with the switch to unary calls ({@link Stream#onError}), so that a request sent now cannot pass
     * the requests a refused stream still owed, which are resent first.
     */
    synchronized ListenableFuture<A> send(String address, Q request, long timeoutMs) {
        if (unaryOnly.contains(address)) {
            return unary(address, request, timeoutMs);
        }
        Stream stream = streams.get(address);
        if (stream == null || stream.hasEnded()) {
            stream = new Stream(address);
            streams.put(address, stream);
            ClientCalls.asyncBidiStreamingCall(channels.channel(address).newCall(streamMethod, ANSWER_ON_TRANSPORT),
                    stream);
        }
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Pending<Q, A> pending = new Pending<>(request, timeoutMs, deadlineNanos, SettableFuture.create());
        stream.send(pending);
        return pending.answer();
    }

    private ListenableFuture<A> unary(String address, Q request, long timeoutMs) {
        try {
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
            return ClientCalls.futureUnaryCall(channels.channel(address).newCall(unaryMethod, options), request);
        } catch (RuntimeException e) {
            return Futures.immediateFailedFuture(e);
        }
    }

    /** Half-closes every stream (nothing is owed on them when the producer closes cleanly). */
    synchronized void close() {
        streams.values().forEach(Stream::halfClose);
        streams.clear();
    }

    /**
     * Cancels every stream, failing what they owe with {@code CANCELLED}: a consumer that closes with a long poll in
     * flight does not wait for its answer (nor does its channel's graceful shutdown).
     */
    synchronized void cancel(String why) {
        streams.values().forEach(stream -> stream.fail(Status.CANCELLED.withDescription(why)));
        streams.clear();
    }

    private record Pending<Q, A>(Q request, long timeoutMs, long deadlineNanos, SettableFuture<A> answer) {
    }

    /** One stream to one broker and the answers it owes, oldest first. */
    private final class Stream implements ClientResponseObserver<Q, A> {
        private final String address;
        private ClientCallStreamObserver<Q> requests;
        /** Guarded by this. */
        private final Deque<Pending<Q, A>> owed = new ArrayDeque<>();
        private boolean ended;
        private boolean answeredOnce;
        /** A deadline check is scheduled (for the oldest request owed: answers come in order, so it expires first). */
        private boolean deadlineCheckScheduled;

        Stream(String address) {
            this.address = address;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
            this.requests = requestStream;
        }

        synchronized boolean hasEnded() {
            return ended;
        }

        synchronized void send(Pending<Q, A> pending) {
            if (ended) {
                pending.answer().setException(Status.UNAVAILABLE.withDescription("the " + kind + " stream to " + address
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
            Pending<Q, A> late;
            synchronized (this) {
                deadlineCheckScheduled = false;
                Pending<Q, A> oldest = owed.peekFirst();
                if (ended || oldest == null || oldest.deadlineNanos() - System.nanoTime() > 0) {
                    scheduleDeadlineCheck();
                    return;
                }
                late = oldest;
            }
            fail(Status.DEADLINE_EXCEEDED.withDescription("no response to a " + kind + " request within "
                    + late.timeoutMs() + " ms"));
        }

        @Override
        public void onNext(A response) {
            Pending<Q, A> pending;
            synchronized (this) {
                answeredOnce = true;
                pending = owed.pollFirst();
            }
            if (pending == null) {
                fail(Status.INTERNAL.withDescription("broker " + address
                        + " sent a " + kind + " response nobody asked for"));
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
                synchronized (PipelinedStreams.this) {
                    LOG.info("Broker {} does not serve {} streams; using unary calls with it", address, kind);
                    unaryOnly.add(address);
                    // In order, as they were sent, and before any later request (send waits for this monitor): a
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
                    "broker " + address + " closed the " + kind + " stream").asRuntimeException()));
        }

        /** Ends the stream: cancels the call and fails every request it owes with {@code status}. */
        void fail(Status status) {
            List<Pending<Q, A>> unanswered = end();
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
        private synchronized List<Pending<Q, A>> end() {
            ended = true;
            List<Pending<Q, A>> unanswered = new ArrayList<>(owed);
            owed.clear();
            return unanswered;
        }
    }
}
