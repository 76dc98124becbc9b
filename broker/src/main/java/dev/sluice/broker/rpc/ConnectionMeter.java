package dev.sluice.broker.rpc;

import io.grpc.Attributes;
import io.grpc.ServerTransportFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the client connections of one gRPC port ({@code listener}): {@code sluice_rpc_connections} open now and
 * {@code sluice_rpc_connections_opened_total} since the node started. Installed as a transport filter, so each
 * HTTP/2 connection counts once however many calls it carries. Thread-safe.
 */
public final class ConnectionMeter extends ServerTransportFilter {
    /**
     * Marks a transport counted as open. gRPC may report a transport terminated that never became ready (the
     * handshake failed); without the mark such a transport would be subtracted without having been added.
     */
    private static final Attributes.Key<Boolean> COUNTED = Attributes.Key.create("sluice.connection-counted");

    private final AtomicInteger open = new AtomicInteger();
    private final Counter opened;

    public ConnectionMeter(MeterRegistry registry, String listener) {
        Gauge.builder("sluice.rpc.connections", open, AtomicInteger::get)
                .description("client connections (HTTP/2 transports) open on this gRPC port")
                .tag("listener", listener)
                .register(registry);
        this.opened = Counter.builder("sluice.rpc.connections.opened")
                .description("client connections (HTTP/2 transports) accepted on this gRPC port since the node started")
                .tag("listener", listener)
                .register(registry);
    }

    @Override
    public Attributes transportReady(Attributes transportAttributes) {
        open.incrementAndGet();
        opened.increment();
        return transportAttributes.toBuilder().set(COUNTED, Boolean.TRUE).build();
    }

    @Override
    public void transportTerminated(Attributes transportAttributes) {
        if (transportAttributes != null && Boolean.TRUE.equals(transportAttributes.get(COUNTED))) {
            open.decrementAndGet();
        }
    }
}
