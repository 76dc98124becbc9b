package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A real gRPC server on loopback, a client sending raw bytes on a real method: garbage is answered INVALID_ARGUMENT,
 * logged once rather than as a stack trace per request, and the connection keeps serving valid calls.
 */
class MalformedRequestsTest {

    /** Field 1, length-delimited, claiming 127 bytes of which one follows: no message parses it. */
    static final byte[] GARBAGE = {0x0a, 0x7f, 0x01};

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicLong nowNanos = new AtomicLong();
    private final List<LogRecord> grpcLogs = new ArrayList<>();
    private final Handler grpcLogCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (grpcLogs) {
                grpcLogs.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        java.util.logging.Logger.getLogger("io.grpc").addHandler(grpcLogCapture);
        warnings.start();
        ((Logger) LoggerFactory.getLogger(MalformedRequests.class)).addAppender(warnings);
        BrokerGrpc.BrokerImplBase service = new BrokerGrpc.BrokerImplBase() {
            @Override
            public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> responses) {
                handled.incrementAndGet();
                responses.onNext(MetadataResponse.newBuilder().setClusterId("c-" + request.getTopicsCount()).build());
                responses.onCompleted();
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new MalformedRequests(nowNanos::get).guard(service)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        java.util.logging.Logger.getLogger("io.grpc").removeHandler(grpcLogCapture);
        ((Logger) LoggerFactory.getLogger(MalformedRequests.class)).detachAppender(warnings);
    }

    private byte[] callRaw(byte[] request) {
        MethodDescriptor<byte[], byte[]> raw = BrokerGrpc.getMetadataMethod().toBuilder(BYTES, BYTES).build();
        return ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                request);
    }

    @Test
    void garbageIsInvalidArgumentAndNeverReachesTheHandler() throws Exception {
        assertThatThrownBy(() -> callRaw(GARBAGE))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("malformed sluice.v1.Broker/Metadata request: ")
                            .contains("truncated");
                });
        assertThat(handled).hasValue(0);

        // The same connection still serves a valid request, through the unchanged parse.
        byte[] answer = callRaw(MetadataRequest.newBuilder().addTopics("a").addTopics("b").build().toByteArray());
        assertThat(MetadataResponse.parseFrom(answer).getClusterId()).isEqualTo("c-2");
        assertThat(handled).hasValue(1);
    }

    @Test
    void refusalsAreLoggedOnceAMinuteWithoutStackTraces() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> callRaw(GARBAGE)).isInstanceOf(StatusRuntimeException.class);
        }
        nowNanos.addAndGet(MalformedRequests.WARNING_INTERVAL_NANOS);
        assertThatThrownBy(() -> callRaw(GARBAGE)).isInstanceOf(StatusRuntimeException.class);

        synchronized (grpcLogs) {
            assertThat(grpcLogs).as("gRPC's own logging of the failures").filteredOn(r -> r.getThrown() != null)
                    .isEmpty();
        }
        List<ILoggingEvent> logged = warnings.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(logged).hasSize(2);
        assertThat(logged).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
        assertThat(logged.get(1).getFormattedMessage()).contains("4 more malformed requests");
    }

    @Test
    void theWarningLimitCountsWhatItSuppressed() {
        MalformedRequests requests = new MalformedRequests(() -> 0);
        long interval = MalformedRequests.WARNING_INTERVAL_NANOS;

        assertThat(requests.admitWarning(-5)).isZero();
        assertThat(requests.admitWarning(0)).isEqualTo(-1);
        assertThat(requests.admitWarning(interval - 6)).isEqualTo(-1);
        assertThat(requests.admitWarning(interval - 5)).isEqualTo(2);
        assertThat(requests.admitWarning(interval)).isEqualTo(-1);
    }
}
