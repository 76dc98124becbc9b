package dev.sluice.broker.rpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerTransportFilter;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs the calls of some methods (Produce) one at a time per client connection, in the order they arrived on that
 * connection, as Kafka handles one connection's requests in order. The calls of a few methods whose handlers never
 * block run on the transport thread itself ({@code FetchStream} and {@code ReplicaFetchStream}, which hand their store
 * reads to the pool). Every other call runs on a shared pool.
 *
 * <p>Why: gRPC hands each call to its executor on its own, so two Produce calls pipelined on one connection can be
 * handled in either order. An idempotent producer keeps up to 5 batches per partition in flight; when a later batch
 * reaches the log first it is refused with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (or, for a first batch,
 * {@code UNKNOWN_PRODUCER_ID}, which costs the producer its id), and the producer resends it alone after
 * {@code retry.backoff.ms}. Under load most batches went that way and {@code acks=all} throughput collapsed.
 *
 * <p>How: the transport filter gives each connection its own sequential executor (over the shared pool), kept in
 * the transport's attributes. The server's own executor must be {@link MoreExecutors#directExecutor()} (see
 * {@link #install}): a call then reaches {@link #getExecutor} on the transport thread, in stream order, and every
 * later event of the call (its message, its half-close, which runs the handler) is queued on the executor chosen
 * here in the order the transport delivers it. Only the synchronous part of a handler is ordered (the append); an
 * {@code acks=all} wait that follows it does not hold the connection's executor.
 *
 * <p>Threads: any; it keeps no mutable state.
 */
public final class ConnectionOrderedCalls extends ServerTransportFilter implements ServerCallExecutorSupplier {

    private static final Attributes.Key<Executor> ORDERED_EXECUTOR =
            Attributes.Key.create("sluice.connection-ordered-executor");

    private final Executor pool;
    private final Set<String> orderedMethods;
    private final Set<String> transportThreadMethods;

    /**
     * @param pool runs every other call: those of {@code orderedMethods} one at a time per connection, the rest freely
     * @param orderedMethods the methods whose calls keep their connection's order
     * @param transportThreadMethods the methods whose calls run on the transport thread: their handlers must not block
     */
    public ConnectionOrderedCalls(Executor pool, Set<MethodDescriptor<?, ?>> orderedMethods,
                                  Set<MethodDescriptor<?, ?>> transportThreadMethods) {
        this.pool = Objects.requireNonNull(pool);
        this.orderedMethods = names(orderedMethods);
        this.transportThreadMethods = names(transportThreadMethods);
    }

    private static Set<String> names(Set<MethodDescriptor<?, ?>> methods) {
        return methods.stream().map(MethodDescriptor::getFullMethodName)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Sets this up on {@code builder}: direct server executor, this transport filter and call executor supplier. */
    public <T extends ServerBuilder<T>> T install(T builder) {
        return builder.directExecutor().addTransportFilter(this).callExecutor(this);
    }

    @Override
    public Attributes transportReady(Attributes transportAttributes) {
        return transportAttributes.toBuilder()
                .set(ORDERED_EXECUTOR, MoreExecutors.newSequentialExecutor(pool))
                .build();
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (transportThreadMethods.contains(method)) {
            return MoreExecutors.directExecutor();
        }
        if (orderedMethods.contains(method)) {
            Executor ordered = call.getAttributes().get(ORDERED_EXECUTOR);
            if (ordered != null) {
                return ordered;
            }
        }
        return pool;
    }
}
