package dev.sluice.broker.rpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records request count and latency per API method and gRPC status as the timer {@code sluice_rpc_requests}
 * (Prometheus: {@code _seconds_count}, {@code _seconds_sum}, {@code _seconds_max}, and percentiles). Thread-safe.
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;

    public RpcMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        long startNanos = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<ReqT, RespT> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Timer.builder("sluice.rpc.requests")
                        .tag("method", method)
                        .tag("status", status.getCode().name())
                        .publishPercentiles(0.5, 0.99)
                        .register(registry)
                        .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                super.close(status, trailers);
            }
        };
        return next.startCall(timed, headers);
    }
}
