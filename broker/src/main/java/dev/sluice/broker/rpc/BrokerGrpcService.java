package dev.sluice.broker.rpc;

import dev.sluice.broker.grpc.AliasingMarshaller;
import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.partition.ProducerIdHandler;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.ProduceResponse;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import dev.sluice.metadata.QuotaKey;
import io.grpc.Context;

/**
 * The public {@code sluice.v1.Broker} service, bound with the broker's wire-compatible view messages instead of the
 * public ones: Produce is parsed as {@link ProduceRequestView} and Fetch answered with {@link FetchResponseView}, so
 * record data crosses the broker as opaque bytes with no per-record decoding and no re-encoding. Clients see the
 * ordinary public messages, because a view has the same field numbers and wire types as its public twin.
 *
 * <p>Calls arrive on gRPC executor threads, {@code FetchStream}'s messages on the transport thread (see
 * {@link #fetchStream}); the handlers are thread-safe. Fetch completes asynchronously when its long-poll ends.
 */
public final class BrokerGrpcService {
    /** Package-private for the request fuzz test, which parses requests with the broker's own marshallers. */
    static final MethodDescriptor<ProduceRequestView, ProduceResponse> PRODUCE =
            BrokerGrpc.getProduceMethod().toBuilder(
                    new AliasingMarshaller<>(ProduceRequestView.getDefaultInstance()),
                    ProtoUtils.marshaller(ProduceResponse.getDefaultInstance())).build();
    static final MethodDescriptor<ProduceRequestView, ProduceResponse> PRODUCE_STREAM =
            BrokerGrpc.getProduceStreamMethod().toBuilder(
                    new AliasingMarshaller<>(ProduceRequestView.getDefaultInstance()),
                    ProtoUtils.marshaller(ProduceResponse.getDefaultInstance())).build();
    static final MethodDescriptor<FetchRequest, FetchResponseView> FETCH =
            BrokerGrpc.getFetchMethod().toBuilder(
                    ProtoUtils.marshaller(FetchRequest.getDefaultInstance()),
                    ProtoUtils.marshaller(FetchResponseView.getDefaultInstance())).build();
    static final MethodDescriptor<FetchRequest, FetchResponseView> FETCH_STREAM =
            BrokerGrpc.getFetchStreamMethod().toBuilder(
                    ProtoUtils.marshaller(FetchRequest.getDefaultInstance()),
                    ProtoUtils.marshaller(FetchResponseView.getDefaultInstance())).build();

    private final AuthorizedBrokerCalls calls;
    private final Function<MetadataRequest, MetadataResponse> metadataHandler;
    private final TrafficMetrics trafficMetrics;
    private final ProducerIdHandler producerIdHandler;
    private final Executor storeReads;

    public BrokerGrpcService(ProduceHandler produceHandler, FetchHandler fetchHandler,
                             ListOffsetsHandler listOffsetsHandler,
                             Function<MetadataRequest, MetadataResponse> metadataHandler,
                             TrafficMetrics trafficMetrics) {
        this(produceHandler, fetchHandler, listOffsetsHandler, metadataHandler, trafficMetrics, null);
    }

    /** @param producerIdHandler answers InitProducerId; null: the method is not served (UNIMPLEMENTED) */
    public BrokerGrpcService(ProduceHandler produceHandler, FetchHandler fetchHandler,
                             ListOffsetsHandler listOffsetsHandler,
                             Function<MetadataRequest, MetadataResponse> metadataHandler,
                             TrafficMetrics trafficMetrics, ProducerIdHandler producerIdHandler) {
        this(new AuthorizedBrokerCalls(RequestAuthorizer.OFF, produceHandler, fetchHandler, listOffsetsHandler),
                metadataHandler, trafficMetrics, producerIdHandler);
    }

    /** The data path behind {@code calls}' ACL checks; InitProducerId is checked here. */
    public BrokerGrpcService(AuthorizedBrokerCalls calls, Function<MetadataRequest, MetadataResponse> metadataHandler,
                             TrafficMetrics trafficMetrics, ProducerIdHandler producerIdHandler) {
        this(calls, metadataHandler, trafficMetrics, producerIdHandler, MoreExecutors.directExecutor());
    }

    /**
     * @param storeReads where a {@code FetchStream} request that reads stored batches is handled. The server runs
     *     that method's messages on the transport thread ({@link ConnectionOrderedCalls}); the direct executor suits
     *     a server that runs every call on its own executor
     */
    public BrokerGrpcService(AuthorizedBrokerCalls calls, Function<MetadataRequest, MetadataResponse> metadataHandler,
                             TrafficMetrics trafficMetrics, ProducerIdHandler producerIdHandler,
                             Executor storeReads) {
        this.storeReads = storeReads;
        this.calls = calls;
        this.producerIdHandler = producerIdHandler;
        this.metadataHandler = metadataHandler;
        this.trafficMetrics = trafficMetrics;
    }

    public ServerServiceDefinition definition() {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(BrokerGrpc.SERVICE_NAME)
                .addMethod(PRODUCE, ServerCalls.asyncUnaryCall(this::produce))
                .addMethod(PRODUCE_STREAM, ServerCalls.asyncBidiStreamingCall(this::produceStream))
                .addMethod(FETCH, ServerCalls.asyncUnaryCall(this::fetch))
                .addMethod(FETCH_STREAM, ServerCalls.asyncBidiStreamingCall(this::fetchStream))
                .addMethod(BrokerGrpc.getListOffsetsMethod(), ServerCalls.asyncUnaryCall(this::listOffsets))
                .addMethod(BrokerGrpc.getMetadataMethod(), ServerCalls.asyncUnaryCall(this::metadata));
        if (producerIdHandler != null) {
            builder.addMethod(BrokerGrpc.getInitProducerIdMethod(), ServerCalls.asyncUnaryCall(this::initProducerId));
        }
        return builder.build();
    }

    private void initProducerId(InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> responses) {
        RequestAuthorizer authorizer = calls.authorizer();
        if (!authorizer.allowed(RequestAuthorizer.Action.IDEMPOTENT_WRITE, "")) {
            reply(responses, InitProducerIdResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(RequestAuthorizer.Action.IDEMPOTENT_WRITE))
                    .setErrorMessage(RequestAuthorizer.denialMessage(authorizer.caller(),
                            RequestAuthorizer.Action.IDEMPOTENT_WRITE, "")).build());
            return;
        }
        producerIdHandler.handle(request).whenComplete((response, failure) -> {
            if (failure != null) {
                responses.onError(GrpcErrors.internal(failure));
            } else {
                reply(responses, response);
            }
        });
    }

    private void produce(ProduceRequestView request, StreamObserver<ProduceResponse> responses) {
        long holdMs = calls.holdMs(QuotaKey.PRODUCER_BYTE_RATE);
        if (holdMs > 0 && !hold(holdMs)) {
            responses.onError(stopping());
            return;
        }
        trafficMetrics.recordProduced(request);
        calls.produce(request).whenComplete((response, failure) -> {
            if (failure != null) {
                responses.onError(GrpcErrors.internal(failure));
            } else {
                reply(responses, response);
            }
        });
    }

    /** See {@link InOrderStream}: its requests are handled as unary Produce calls, answered in order. */
    private StreamObserver<ProduceRequestView> produceStream(StreamObserver<ProduceResponse> responses) {
        return inOrder(responses, request -> {
            long holdMs = calls.holdMs(QuotaKey.PRODUCER_BYTE_RATE);
            if (holdMs > 0 && !hold(holdMs)) {
                return CompletableFuture.failedFuture(stopping());
            }
            trafficMetrics.recordProduced(request);
            return calls.produce(request);
        });
    }

    /** Answers a stream's requests with {@code handler}, in order ({@link InOrderStream}). */
    private static <Q, A> StreamObserver<Q> inOrder(StreamObserver<A> responses,
                                                    Function<Q, CompletableFuture<A>> handler) {
        ServerCallStreamObserver<A> call = (ServerCallStreamObserver<A>) responses;
        call.disableAutoRequest();
        InOrderStream<Q, A> stream = new InOrderStream<>(call, handler);
        stream.start();
        return stream;
    }

    private static io.grpc.StatusRuntimeException stopping() {
        return io.grpc.Status.CANCELLED.withDescription("the broker is stopping").asRuntimeException();
    }

    private void fetch(FetchRequest request, StreamObserver<FetchResponseView> responses) {
        answerFetch(request).whenComplete((response, failure) -> {
            if (failure != null) {
                responses.onError(GrpcErrors.internal(failure));
            } else {
                reply(responses, response);
            }
        });
    }

    /**
     * See {@link InOrderStream}: its requests are handled as unary Fetch calls (long poll included), in order. The
     * stream's messages arrive on the transport thread, which answers a fetch that needs no store read at once
     * (offsets only, as a caught-up consumer's are, or the start of its long poll), so the answer goes out with no
     * thread hand-off; a fetch that reads stored batches moves to {@code storeReads}.
     */
    private StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponseView> responses) {
        Executor reads = Context.current().fixedContextExecutor(storeReads);
        return inOrder(responses, request -> calls.fetchReadsStore(request)
                ? CompletableFuture.supplyAsync(() -> answerFetch(request), reads).thenCompose(answer -> answer)
                : answerFetch(request));
    }

    /**
     * A fetch's response, once its long poll ends. A consumer over its byte-rate quota is held first; fetches need no
     * order, so a held one waits without a thread, and the gRPC context carries the caller along.
     */
    private CompletableFuture<FetchResponseView> answerFetch(FetchRequest request) {
        long holdMs = calls.holdMs(QuotaKey.CONSUMER_BYTE_RATE);
        CompletableFuture<FetchResponseView> response;
        if (holdMs > 0) {
            Executor afterHold = Context.current().fixedContextExecutor(
                    CompletableFuture.delayedExecutor(holdMs, TimeUnit.MILLISECONDS));
            response = CompletableFuture.supplyAsync(() -> calls.fetch(request), afterHold)
                    .thenCompose(fetched -> fetched);
        } else {
            response = calls.fetch(request);
        }
        return response.thenApply(answer -> {
            trafficMetrics.recordFetched(answer);
            return answer;
        });
    }

    /**
     * Waits out a throttle that a client did not honour before its next Produce, as a Kafka broker mutes a throttled
     * connection. This runs on the connection's ordered executor ({@link ConnectionOrderedCalls}), so the client's
     * later Produce calls wait behind it in order, and other connections are not held. False when interrupted.
     */
    private static boolean hold(long holdMs) {
        try {
            Thread.sleep(holdMs);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> responses) {
        reply(responses, calls.listOffsets(request));
    }

    private void metadata(MetadataRequest request, StreamObserver<MetadataResponse> responses) {
        reply(responses, calls.filterMetadata(request, metadataHandler.apply(request)));
    }

    static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
