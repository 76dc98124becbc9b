package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicPartitionOffset;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request meters of a gRPC port, on a loopback server with a test service: the latency histogram's buckets,
 * requests by gRPC status, errors by the {@code ErrorCode}s in responses, calls in flight, and connections.
 */
class RpcMetricsTest {
    private static final String SERVICE = "test.Metered";
    private static final MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> ANSWER = method("Answer");
    private static final MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> FAIL = method("Fail");
    private static final MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> HOLD = method("Hold");
    private static final MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> STREAM = method("Stream")
            .toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING).build();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PrometheusMeterRegistry registry = NodeMetrics.createRegistry(7);
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;
    private ManagedChannel channel;

    private static MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> method(String name) {
        return MethodDescriptor.<CommitOffsetsRequest, CommitOffsetsResponse>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(SERVICE + "/" + name)
                .setRequestMarshaller(ProtoUtils.marshaller(CommitOffsetsRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(CommitOffsetsResponse.getDefaultInstance()))
                .build();
    }

    /** Answers with a top-level NOT_LEADER and per-partition codes NONE, NOT_LEADER, INVALID_REQUEST. */
    private static CommitOffsetsResponse answerWithErrors() {
        return CommitOffsetsResponse.newBuilder().setError(ErrorCode.NOT_LEADER)
                .addResults(TopicPartitionOffset.newBuilder().setPartition(0).setError(ErrorCode.NONE))
                .addResults(TopicPartitionOffset.newBuilder().setPartition(1).setError(ErrorCode.NOT_LEADER))
                .addResults(TopicPartitionOffset.newBuilder().setPartition(2).setError(ErrorCode.INVALID_REQUEST))
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(ANSWER, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(answerWithErrors());
                    response.onCompleted();
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) ->
                        response.onError(Status.UNAVAILABLE.withDescription("test").asRuntimeException())))
                .addMethod(HOLD, ServerCalls.asyncUnaryCall((request, response) -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.onNext(CommitOffsetsResponse.getDefaultInstance());
                    response.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncBidiStreamingCall(
                        (StreamObserver<CommitOffsetsResponse> response) -> new StreamObserver<CommitOffsetsRequest>() {
                    @Override
                    public void onNext(CommitOffsetsRequest request) {
                        response.onNext(answerWithErrors());
                    }

                    @Override
                    public void onError(Throwable error) {
                    }

                    @Override
                    public void onCompleted() {
                        response.onCompleted();
                    }
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addTransportFilter(new ConnectionMeter(registry, "broker"))
                .addService(ServerInterceptors.intercept(service, new RpcMetricsInterceptor(registry, "broker")))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private CommitOffsetsResponse call(MethodDescriptor<CommitOffsetsRequest, CommitOffsetsResponse> method) {
        return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT,
                CommitOffsetsRequest.getDefaultInstance());
    }

    private double gauge(String name, String listener) {
        return registry.get(name).tag("listener", listener).gauge().value();
    }

    private double requests(String method, String status) {
        return registry.get("sluice.rpc.requests").tag("method", SERVICE + "/" + method).tag("status", status)
                .counter().count();
    }

    @Test
    void latencyIsAHistogramWithThirteenBucketsFromOneMillisecondToTenSeconds() {
        for (int i = 0; i < 3; i++) {
            call(ANSWER);
        }
        String scrape = registry.scrape();

        Matcher bucket = Pattern.compile("(?m)^sluice_rpc_request_duration_seconds_bucket\\{([^}]*)} (\\S+)$")
                .matcher(scrape);
        List<String> bounds = new java.util.ArrayList<>();
        double infinite = -1;
        while (bucket.find()) {
            if (!bucket.group(1).contains("method=\"test.Metered/Answer\"")) {
                continue;
            }
            Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(bucket.group(1));
            assertThat(le.find()).isTrue();
            if (le.group(1).equals("+Inf")) {
                infinite = Double.parseDouble(bucket.group(2));
            } else {
                bounds.add(le.group(1));
            }
        }
        assertThat(bounds.stream().map(Double::parseDouble).toList()).containsExactly(
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
        assertThat(infinite).as("every call lands in the +Inf bucket").isEqualTo(3);
        assertThat(scrape).contains("# TYPE sluice_rpc_request_duration_seconds histogram")
                .contains("# HELP sluice_rpc_request_duration_seconds time from a gRPC call's start")
                .doesNotContain("sluice_rpc_requests_seconds");
        assertThat(requests("Answer", "OK")).isEqualTo(3);
    }

    /** A stream lives as long as its client keeps it: each request is timed until its response instead. */
    @Test
    void aStreamsRequestsAreTimedOneByOne() throws Exception {
        java.util.concurrent.CompletableFuture<Integer> answers = new java.util.concurrent.CompletableFuture<>();
        StreamObserver<CommitOffsetsRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(STREAM, CallOptions.DEFAULT), new StreamObserver<CommitOffsetsResponse>() {
                    private int count;

                    @Override
                    public void onNext(CommitOffsetsResponse response) {
                        count++;
                    }

                    @Override
                    public void onError(Throwable error) {
                        answers.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        answers.complete(count);
                    }
                });
        requests.onNext(CommitOffsetsRequest.getDefaultInstance());
        requests.onNext(CommitOffsetsRequest.getDefaultInstance());
        requests.onCompleted();
        assertThat(answers.get(10, TimeUnit.SECONDS)).isEqualTo(2);

        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(requests("Stream", "OK")).isEqualTo(1));
        assertThat(registry.get("sluice.rpc.request.duration").tag("method", SERVICE + "/Stream").timer().count())
                .as("two requests, not one stream").isEqualTo(2);
        assertThat(registry.get("sluice.rpc.errors").tag("method", SERVICE + "/Stream").tag("code", "NOT_LEADER")
                .counter().count()).as("the top-level code and one partition's, in each answer").isEqualTo(4);
    }

    @Test
    void errorCodesInResponsesAreCountedByCodeAndGrpcFailuresByStatus() {
        call(ANSWER);
        call(ANSWER);
        assertThatThrownBy(() -> call(FAIL)).isInstanceOf(StatusRuntimeException.class);

        String answer = SERVICE + "/Answer";
        assertThat(registry.get("sluice.rpc.errors").tag("method", answer).tag("code", "NOT_LEADER").counter()
                .count()).as("the top-level code and one partition's, twice").isEqualTo(4);
        assertThat(registry.get("sluice.rpc.errors").tag("method", answer).tag("code", "INVALID_REQUEST").counter()
                .count()).isEqualTo(2);
        assertThat(registry.find("sluice.rpc.errors").tag("code", "NONE").counter()).as("NONE is no error").isNull();
        assertThat(requests("Fail", "UNAVAILABLE")).isEqualTo(1);
        assertThat(registry.find("sluice.rpc.errors").tag("method", SERVICE + "/Fail").counter())
                .as("a gRPC failure carries no response").isNull();
    }

    @Test
    void callsInFlightGoBackToZeroWhenTheyComplete() {
        var held = ClientCalls.futureUnaryCall(channel.newCall(HOLD, CallOptions.DEFAULT),
                CommitOffsetsRequest.getDefaultInstance());
        Awaitility.await().atMost(WAIT).until(() -> gauge("sluice.rpc.requests.in.flight", "broker") == 1);
        release.countDown();
        Awaitility.await().atMost(WAIT).until(held::isDone);
        Awaitility.await().atMost(WAIT).until(() -> gauge("sluice.rpc.requests.in.flight", "broker") == 0);
        assertThat(requests("Hold", "OK")).isEqualTo(1);
    }

    @Test
    void aCallTheClientCancelsLeavesTheInFlightCountAndIsCountedOnce() {
        ClientCall<CommitOffsetsRequest, CommitOffsetsResponse> cancelled = channel.newCall(HOLD,
                CallOptions.DEFAULT);
        cancelled.start(new ClientCall.Listener<>() { }, new Metadata());
        cancelled.sendMessage(CommitOffsetsRequest.getDefaultInstance());
        cancelled.halfClose();
        cancelled.request(1);
        Awaitility.await().atMost(WAIT).until(() -> gauge("sluice.rpc.requests.in.flight", "broker") == 1);
        cancelled.cancel("the client gives up", null);
        release.countDown();  // the handler finishes into a cancelled call

        Awaitility.await().atMost(WAIT).until(() -> gauge("sluice.rpc.requests.in.flight", "broker") == 0);
        double counted = registry.get("sluice.rpc.requests").tag("method", SERVICE + "/Hold").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        assertThat(counted).isEqualTo(1);
        assertThat(registry.get("sluice.rpc.request.duration").tag("method", SERVICE + "/Hold").timer().count())
                .isEqualTo(1);
    }

    @Test
    void connectionsAreCountedWhileOpen() throws InterruptedException {
        call(ANSWER);
        assertThat(gauge("sluice.rpc.connections", "broker")).isEqualTo(1);
        assertThat(registry.get("sluice.rpc.connections.opened").counter().count()).isEqualTo(1);

        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Awaitility.await().atMost(WAIT).until(() -> gauge("sluice.rpc.connections", "broker") == 0);
    }
}
