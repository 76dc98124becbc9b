package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicaFetchExchangeTest {

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private ReplicaFetchExchange connect(BindableService leader) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(leader).build()
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        return new ReplicaFetchExchange(channel, 1);
    }

    /** A leader serving only the stream; {@code perStream} gets each stream's number (from 1) and response side. */
    private static ReplicationGrpc.ReplicationImplBase streamingLeader(AtomicInteger streams,
            java.util.function.BiFunction<Integer, StreamObserver<ReplicaFetchResponse>,
                    StreamObserver<ReplicaFetchRequest>> perStream) {
        return new ReplicationGrpc.ReplicationImplBase() {
            @Override
            public StreamObserver<ReplicaFetchRequest> replicaFetchStream(StreamObserver<ReplicaFetchResponse> out) {
                return perStream.apply(streams.incrementAndGet(), out);
            }
        };
    }

    private static ReplicaFetchRequest fetch(int maxWaitMs) {
        return ReplicaFetchRequest.newBuilder().setReplicaId(2).setMaxWaitMs(maxWaitMs).build();
    }

    /** Answers each request with its max_wait_ms in the error message, so answers can be told apart. */
    private static ReplicaFetchResponse echo(ReplicaFetchRequest request) {
        return ReplicaFetchResponse.newBuilder().setErrorMessage("wait " + request.getMaxWaitMs()).build();
    }

    @Test
    void everyFetchGetsItsOwnAnswerOverOneStream() throws IOException {
        AtomicInteger streams = new AtomicInteger();
        ReplicaFetchExchange exchange = connect(streamingLeader(streams, (stream, out) -> new Answering(out, 0)));
        for (int i = 1; i <= 5; i++) {
            assertThat(exchange.exchange(fetch(i), 5_000).getErrorMessage()).isEqualTo("wait " + i);
        }
        assertThat(streams).hasValue(1);
    }

    /** A rolling upgrade: the leader runs a version without the stream. */
    @Test
    void aLeaderWithoutTheStreamIsAskedWithUnaryCalls() throws IOException {
        AtomicInteger unary = new AtomicInteger();
        ReplicaFetchExchange exchange = connect(new ReplicationGrpc.ReplicationImplBase() {
            @Override
            public void replicaFetch(ReplicaFetchRequest request, StreamObserver<ReplicaFetchResponse> out) {
                unary.incrementAndGet();
                out.onNext(echo(request));
                out.onCompleted();
            }
        });
        assertThat(exchange.exchange(fetch(1), 5_000).getErrorMessage()).isEqualTo("wait 1");
        assertThat(exchange.exchange(fetch(2), 5_000).getErrorMessage()).isEqualTo("wait 2");
        assertThat(unary).hasValue(2);
    }

    /** An answer that does not come in time cancels the stream; the leader drops the fetch, the next opens anew. */
    @Test
    void aFetchWithoutAnAnswerInTimeCancelsItsStream() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        CountDownLatch cancelled = new CountDownLatch(1);
        ReplicaFetchExchange exchange = connect(streamingLeader(streams, (stream, out) ->
                new Answering(out, stream == 1 ? 1 : 0) {
                    @Override
                    public void onError(Throwable error) {
                        cancelled.countDown();
                    }
                }));
        assertThatThrownBy(() -> exchange.exchange(fetch(1), 200)).isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the leader saw the stream cancelled").isTrue();
        assertThat(exchange.exchange(fetch(2), 5_000).getErrorMessage()).isEqualTo("wait 2");
        assertThat(streams).hasValue(2);
    }

    @Test
    void aStreamTheLeaderEndsFailsTheFetchAndTheNextOpensANewOne() throws IOException {
        AtomicInteger streams = new AtomicInteger();
        ReplicaFetchExchange exchange = connect(streamingLeader(streams, (stream, out) -> {
            if (stream == 1) {
                out.onError(Status.FAILED_PRECONDITION.withDescription("refused").asRuntimeException());
            }
            return new Answering(out, 0);
        }));
        assertThatThrownBy(() -> exchange.exchange(fetch(1), 5_000)).isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("refused");
        assertThat(exchange.exchange(fetch(2), 5_000).getErrorMessage()).isEqualTo("wait 2");
        assertThat(streams).hasValue(2);
    }

    /** A leader's stream that answers each request, after leaving the first {@code unanswered} without one. */
    private static class Answering implements StreamObserver<ReplicaFetchRequest> {
        private final StreamObserver<ReplicaFetchResponse> out;
        private int unanswered;

        Answering(StreamObserver<ReplicaFetchResponse> out, int unanswered) {
            this.out = out;
            this.unanswered = unanswered;
        }

        @Override
        public void onNext(ReplicaFetchRequest request) {
            if (unanswered > 0) {
                unanswered--;
                return;
            }
            out.onNext(echo(request));
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onCompleted() {
            out.onCompleted();
        }
    }
}
