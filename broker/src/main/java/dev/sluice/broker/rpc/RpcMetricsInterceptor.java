package dev.sluice.broker.rpc;

import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meters of one gRPC port ({@code listener}: {@code broker} or {@code controller}):
 * <ul>
 *   <li>{@code sluice_rpc_request_duration_seconds}: a histogram per API method with the node's fixed latency
 *       buckets, so a p99 can be aggregated across brokers (the summary it replaced could not). A unary call is
 *       timed from its start until its handler closed it; on a stream (produce, replica fetch: each request gets
 *       one response, in order) each request is timed from its arrival until its response is sent, since the
 *       stream itself lives as long as its connection;</li>
 *   <li>{@code sluice_rpc_requests_total} per method and gRPC status (the transport-level outcome);</li>
 *   <li>{@code sluice_rpc_errors_total} per method and {@code ErrorCode}, read from the responses, since an
 *       application error travels in a response with gRPC status OK;</li>
 *   <li>{@code sluice_rpc_requests_in_flight}: calls started and not yet completed or cancelled.</li>
 * </ul>
 * Every label is bounded: methods by the services' definitions, statuses and codes by their enums. Thread-safe:
 * gRPC calls this from its executor threads.
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<String, MethodMeters> methods = new ConcurrentHashMap<>();

    public RpcMetricsInterceptor(MeterRegistry registry, String listener) {
        this.registry = registry;
        Gauge.builder("sluice.rpc.requests.in.flight", inFlight, AtomicInteger::get)
                .description("gRPC calls on this port started and not yet completed or cancelled")
                .tag("listener", listener)
                .register(registry);
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        MethodMeters meters = methods.computeIfAbsent(method, MethodMeters::new);
        boolean stream = call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.BIDI_STREAMING;
        MeteredCall<ReqT, RespT> metered = new MeteredCall<>(call, meters, System.nanoTime(), stream);
        inFlight.incrementAndGet();
        ServerCall.Listener<ReqT> listener;
        try {
            listener = next.startCall(metered, headers);
        } catch (RuntimeException e) {
            // gRPC closes the call itself, but no listener of ours exists to see it end.
            metered.finish(Status.INTERNAL);
            throw e;
        }
        // gRPC ends every call with exactly one of onComplete and onCancel, after the handler closed it (or without a
        // close, when the client went away first): the one place where a call stops being in flight.
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(ReqT message) {
                metered.requestArrived();
                super.onMessage(message);
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    metered.finish(Status.OK);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    metered.finish(Status.CANCELLED);
                }
            }
        };
    }

    /**
     * A call that counts the error codes of the responses it sends and records its status once: at {@code close}
     * with the handler's status, or when it ends without a close with the status it ended with. A unary call's
     * duration is recorded then too; a stream's requests are timed one by one, each until its response.
     */
    private final class MeteredCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
        private final MethodMeters meters;
        private final long startNanos;
        /** A stream: arrival times of the requests not answered yet, oldest first; null for a unary call. */
        private final java.util.Queue<Long> arrivals;
        private final AtomicBoolean recorded = new AtomicBoolean();
        private final AtomicBoolean finished = new AtomicBoolean();

        MeteredCall(ServerCall<ReqT, RespT> call, MethodMeters meters, long startNanos, boolean stream) {
            super(call);
            this.meters = meters;
            this.startNanos = startNanos;
            this.arrivals = stream ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;
        }

        void requestArrived() {
            if (arrivals != null) {
                arrivals.add(System.nanoTime());
            }
        }

        @Override
        public void sendMessage(RespT message) {
            ResponseErrors.forEach(message, meters::countError);
            Long arrived = arrivals == null ? null : arrivals.poll();
            if (arrived != null) {
                meters.duration.record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
            }
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            record(status);
            super.close(status, trailers);
        }

        private void record(Status status) {
            if (recorded.compareAndSet(false, true)) {
                if (arrivals == null) {
                    meters.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                }
                meters.requests(status.getCode()).increment();
            }
        }

        void finish(Status status) {
            if (finished.compareAndSet(false, true)) {
                record(status);
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * The meters of one API method. The counters per status and per error code are registered on first use (a
     * method sees few of them) and then found by ordinal, with no map lookup or registry call per request.
     */
    private final class MethodMeters {
        private final String method;
        private final Timer duration;
        private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(Status.Code.values().length);
        private final AtomicReferenceArray<Counter> byError = new AtomicReferenceArray<>(ErrorCode.values().length);

        MethodMeters(String method) {
            this.method = method;
            this.duration = NodeMetrics.latencyTimer("sluice.rpc.request.duration",
                            "time from a gRPC call's start until its handler closed it, per API method"
                                    + " (long polls include their wait)")
                    .tag("method", method)
                    .register(registry);
        }

        Counter requests(Status.Code code) {
            Counter counter = byStatus.get(code.ordinal());
            if (counter == null) {
                // Registering twice returns the same counter, so a race here only costs a lookup.
                counter = Counter.builder("sluice.rpc.requests")
                        .tag("method", method)
                        .tag("status", code.name())
                        .description("gRPC calls completed, per API method and gRPC status (a transport-level outcome;"
                                + " application errors are in sluice_rpc_errors_total)")
                        .register(registry);
                byStatus.set(code.ordinal(), counter);
            }
            return counter;
        }

        void countError(ErrorCode code) {
            Counter counter = byError.get(code.ordinal());
            if (counter == null) {
                counter = Counter.builder("sluice.rpc.errors")
                        .tag("method", method)
                        .tag("code", code.name())
                        .description("error codes other than NONE in responses, per API method and code; the top-level"
                                + " code and each per-topic or per-partition code count once")
                        .register(registry);
                byError.set(code.ordinal(), counter);
            }
            counter.increment();
        }
    }
}
