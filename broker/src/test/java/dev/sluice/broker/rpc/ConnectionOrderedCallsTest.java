package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import dev.sluice.proto.v1.BrokerGrpc;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class ConnectionOrderedCallsTest {

    /** Records what it is given to run, and runs nothing. */
    private static final class RecordingPool implements Executor {
        final List<Runnable> given = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            given.add(task);
        }
    }

    /** A call of {@code method} on a connection with {@code attributes}; nothing else of it is used. */
    private static <Q, R> ServerCall<Q, R> call(MethodDescriptor<Q, R> method, Attributes attributes) {
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) { }

            @Override
            public void sendHeaders(Metadata headers) { }

            @Override
            public void sendMessage(R message) { }

            @Override
            public void close(Status status, Metadata trailers) { }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public MethodDescriptor<Q, R> getMethodDescriptor() {
                return method;
            }

            @Override
            public Attributes getAttributes() {
                return attributes;
            }
        };
    }

    private final RecordingPool pool = new RecordingPool();
    private final ConnectionOrderedCalls calls = new ConnectionOrderedCalls(pool,
            Set.of(BrokerGrpc.getProduceStreamMethod()), Set.of(BrokerGrpc.getFetchStreamMethod()));

    @Test
    void eachKindOfMethodGetsItsOwnExecutor() {
        Attributes connection = calls.transportReady(Attributes.EMPTY);

        Executor fetchStream = calls.getExecutor(call(BrokerGrpc.getFetchStreamMethod(), connection), new Metadata());
        Executor produceStream = calls.getExecutor(call(BrokerGrpc.getProduceStreamMethod(), connection),
                new Metadata());
        Executor metadata = calls.getExecutor(call(BrokerGrpc.getMetadataMethod(), connection), new Metadata());

        assertThat(fetchStream).isSameAs(MoreExecutors.directExecutor());
        assertThat(metadata).isSameAs(pool);
        // The connection's own sequential executor, which runs on the pool.
        assertThat(produceStream).isNotSameAs(pool).isNotSameAs(MoreExecutors.directExecutor());
        produceStream.execute(() -> { });
        assertThat(pool.given).hasSize(1);
        assertThat(calls.getExecutor(call(BrokerGrpc.getProduceStreamMethod(), connection), new Metadata()))
                .isSameAs(produceStream);
        assertThat(calls.getExecutor(call(BrokerGrpc.getProduceStreamMethod(),
                calls.transportReady(Attributes.EMPTY)), new Metadata())).isNotSameAs(produceStream);
    }
}
