package dev.sluice.broker.rpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import dev.sluice.security.ChannelSecurity;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request to the active controller: picks a voter (the Raft leader this node knows of, else the last
 * controller that answered, else the first voter), follows {@code NOT_CONTROLLER} hints at once, and on a transport
 * failure or a refusal without a usable hint moves to the next voter after a backoff that doubles from
 * {@code initialBackoffMs} to {@code maxBackoffMs}. It gives up at the request deadline and completes the future with
 * the caller's refusal; futures never complete exceptionally.
 *
 * <p>Thread-safe. Attempts run on gRPC's callback threads; retries are scheduled on the given scheduler. Times are
 * milliseconds from the injected {@code nanoTime}-style clock, divided down.
 */
final class ControllerRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerRouter.class);

    /** One attempt against one controller's stub. */
    interface Rpc<P> {
        ListenableFuture<P> call(ControllerGrpc.ControllerFutureStub stub);
    }

    /** What the router needs to read from any response: its top-level error and the controller hint. */
    interface Envelope<P> {
        ErrorCode error(P response);

        String errorMessage(P response);

        int controllerId(P response);
    }

    /** Timing of one request; every value in milliseconds. */
    record Settings(long requestTimeoutMs, long attemptTimeoutMs, long initialBackoffMs, long maxBackoffMs) {
        static final Settings DEFAULT = new Settings(15_000, 5_000, 25, 250);
    }

    private final List<Integer> voterIds;
    private final Map<Integer, InetSocketAddress> voters;
    private final IntSupplier raftLeader;
    private final ScheduledExecutorService scheduler;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final ChannelSecurity security;
    private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile int lastAnswered = -1;
    private volatile boolean closed;

    ControllerRouter(Map<Integer, InetSocketAddress> voters, IntSupplier raftLeader,
                     ScheduledExecutorService scheduler, Settings settings, LongSupplier nanoTime,
                     ChannelSecurity security) {
        this.security = security;
        this.voters = Map.copyOf(voters);
        this.voterIds = List.copyOf(new TreeMap<>(voters).keySet());
        this.raftLeader = raftLeader;
        this.scheduler = scheduler;
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /**
     * Sends {@code rpc} until a controller answers with anything but {@code NOT_CONTROLLER} or the deadline passes;
     * then {@code refusal} turns the last problem into the caller's answer.
     */
    <P, R> CompletableFuture<R> send(String name, Rpc<P> rpc, Envelope<P> envelope, Function<P, R> convert,
            Function<String, R> refusal) {
        return send(name, rpc, envelope, convert, refusal, null);
    }

    /**
     * {@link #send} for a request that must take effect at most once (a topic create, delete or config change):
     * it is resent only after answers and failures that prove the controller did not take it (a
     * {@code NOT_CONTROLLER} answer, a connection that was never made). After any other failure (a timed-out or
     * broken call) the controller may have it queued and still apply it, and a resend could apply it a second time,
     * after another client's change (the chaos metadata checker saw a create and a delete each applied twice, in
     * turn); so {@code unknownOutcome} answers then, meaning "may or may not have taken effect".
     */
    <P, R> CompletableFuture<R> sendAtMostOnce(String name, Rpc<P> rpc, Envelope<P> envelope,
            Function<P, R> convert, Function<String, R> refusal, Function<String, R> unknownOutcome) {
        return send(name, rpc, envelope, convert, refusal, unknownOutcome);
    }

    private <P, R> CompletableFuture<R> send(String name, Rpc<P> rpc, Envelope<P> envelope, Function<P, R> convert,
            Function<String, R> refusal, Function<String, R> unknownOutcome) {
        CompletableFuture<R> result = new CompletableFuture<>();
        Attempts<P, R> attempts = new Attempts<>(name, rpc, envelope, convert, refusal, unknownOutcome, result,
                nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMs()));
        attempts.run(firstTarget());
        return result;
    }

    /**
     * Whether a failed call may have reached the controller: only a connection that was never made proves it did
     * not (refused or unroutable, an address that does not resolve, or still waiting for the connection when the
     * deadline passed). The client's {@code Errors.mayHaveBeenDelivered} applies the same rule.
     */
    static boolean mayHaveBeenDelivered(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        String description = String.valueOf(status.getDescription());
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return !description.contains("waiting_for_connection");
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.ConnectException || cause instanceof java.net.NoRouteToHostException
                        || cause instanceof java.net.UnknownHostException
                        || cause instanceof java.nio.channels.UnresolvedAddressException) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The voter to try first: the Raft leader if known, else the last controller that answered. */
    int firstTarget() {
        int leader = raftLeader.getAsInt();
        if (voters.containsKey(leader)) {
            return leader;
        }
        return voters.containsKey(lastAnswered) ? lastAnswered : voterIds.get(0);
    }

    int nextVoter(int after) {
        int index = voterIds.indexOf(after);
        return voterIds.get((index + 1) % voterIds.size());
    }

    private ControllerGrpc.ControllerFutureStub stub(int voterId, long attemptTimeoutMs) {
        ManagedChannel channel = channels.computeIfAbsent(voterId, id -> {
            InetSocketAddress address = voters.get(id);
            return security.open(address.getHostString(), address.getPort());
        });
        return ControllerGrpc.newFutureStub(channel).withDeadlineAfter(attemptTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    /** The attempts of one request; each attempt runs after the previous one finished, so no field is shared. */
    private final class Attempts<P, R> {
        private final String name;
        private final Rpc<P> rpc;
        private final Envelope<P> envelope;
        private final Function<P, R> convert;
        private final Function<String, R> refusal;
        /** Null: the request may be resent after any failure. */
        private final Function<String, R> unknownOutcome;
        private final CompletableFuture<R> result;
        private final long deadlineNanos;
        private long backoffMs = settings.initialBackoffMs();
        private int lastUnreachable = -1;
        private String lastProblem = "no controller tried";

        Attempts(String name, Rpc<P> rpc, Envelope<P> envelope, Function<P, R> convert, Function<String, R> refusal,
                 Function<String, R> unknownOutcome, CompletableFuture<R> result, long deadlineNanos) {
            this.name = name;
            this.rpc = rpc;
            this.envelope = envelope;
            this.convert = convert;
            this.refusal = refusal;
            this.unknownOutcome = unknownOutcome;
            this.result = result;
            this.deadlineNanos = deadlineNanos;
        }

        void run(int target) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - nanoTime.getAsLong());
            if (closed || remainingMs <= 0) {
                result.complete(refusal.apply("no active controller answered " + name + " within "
                        + settings.requestTimeoutMs() + " ms; last: " + lastProblem));
                return;
            }
            ListenableFuture<P> call;
            try {
                call = rpc.call(stub(target, attemptTimeoutMs(remainingMs)));
            } catch (RuntimeException e) {
                handleUndelivered(target, e);  // thrown before anything was sent
                return;
            }
            Futures.addCallback(call, new FutureCallback<>() {
                @Override
                public void onSuccess(P response) {
                    handleResponse(target, response);
                }

                @Override
                public void onFailure(Throwable failure) {
                    handleFailure(target, failure);
                }
            }, MoreExecutors.directExecutor());
        }

        /**
         * A resendable request gives each controller one attempt timeout, so that a silent one is left for the next
         * soon. An at-most-once request is never resent after it may have arrived, so a shorter attempt would only
         * turn a slow commit (a burst of ISR changes after a broker restart, a loaded machine) into an unknown
         * outcome while the caller still had time to wait: its attempt gets the whole remaining budget.
         */
        private long attemptTimeoutMs(long remainingMs) {
            return unknownOutcome != null ? remainingMs : Math.min(remainingMs, settings.attemptTimeoutMs());
        }

        private void handleResponse(int target, P response) {
            if (envelope.error(response) != ErrorCode.NOT_CONTROLLER) {
                lastAnswered = target;
                result.complete(convert.apply(response));
                return;
            }
            lastProblem = "node " + target + ": " + envelope.errorMessage(response);
            int hint = envelope.controllerId(response);
            if (voters.containsKey(hint) && hint != target && hint != lastUnreachable) {
                log.debug("{}: node {} is not the controller, following its hint {}", name, target, hint);
                run(hint);  // A fresh hint: go there at once.
                return;
            }
            // The target leads but is not active yet (hint == target), or knows no reachable leader: wait a little.
            retryLater(hint == target ? target : rotate(target));
        }

        private void handleFailure(int target, Throwable failure) {
            if (unknownOutcome != null && mayHaveBeenDelivered(failure)) {
                log.debug("{}: controller {} failed after the request may have reached it: {}", name, target,
                        failure.toString());
                result.complete(unknownOutcome.apply(name + " to controller " + target + " failed (" + failure
                        + ") after the request may have reached it; it may still take effect, so it was not resent"));
                return;
            }
            handleUndelivered(target, failure);
        }

        private void handleUndelivered(int target, Throwable failure) {
            lastProblem = "node " + target + " unreachable: " + failure;
            lastUnreachable = target;
            log.debug("{}: controller {} failed: {}", name, target, failure.toString());
            retryLater(rotate(target));
        }

        /** The Raft leader if it is known and differs from the node that just failed us, else the next voter. */
        private int rotate(int failed) {
            int leader = raftLeader.getAsInt();
            return voters.containsKey(leader) && leader != failed && leader != lastUnreachable
                    ? leader : nextVoter(failed);
        }

        private void retryLater(int target) {
            long delayMs = backoffMs;
            backoffMs = Math.min(settings.maxBackoffMs(), backoffMs * 2);
            try {
                scheduler.schedule(() -> run(target), delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.complete(refusal.apply("the node is shutting down"));
            }
        }
    }
}
