package dev.sluice.client.internal;

import dev.sluice.security.ChannelSecurity;
import dev.sluice.security.GrpcTls;
import dev.sluice.security.TlsSettings;
import dev.sluice.security.TransportBuffers;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shared gRPC channel per broker address ({@code host:port}), in plaintext or with TLS. Thread-safe; a client
 * owns one pool and closes it last.
 */
public final class ChannelPool implements AutoCloseable {
    /** Responses (fetches) may carry many batches; 64 MiB is far above any sane fetch.max.bytes. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** A larger HTTP/2 window lets one connection carry a high produce or fetch rate. */
    private static final int FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ChannelSecurity security;
    private final ClientSasl sasl;
    private final String clientId;
    private volatile boolean closed;

    /** Plaintext channels. */
    public ChannelPool() {
        this(TlsSettings.PLAINTEXT);
    }

    /** Channels secured as {@code tls} says; its files are read now (a bad one throws here, not on first send). */
    public ChannelPool(TlsSettings tls) {
        this(tls, ClientSasl.NONE);
    }

    /** With SCRAM authentication to each broker before its first call, when {@code sasl} is enabled. */
    public ChannelPool(TlsSettings tls, ClientSasl sasl) {
        this(tls, sasl, "");
    }

    /**
     * Every call names the client as {@code clientId} (the {@code sluice-client-id} header), which brokers read for
     * quotas per client id; empty: no header.
     */
    public ChannelPool(TlsSettings tls, ClientSasl sasl, String clientId) {
        this.security = GrpcTls.channelSecurity(tls, Clock.systemUTC());
        this.sasl = sasl;
        // A gRPC header carries printable ASCII only; anything else would fail every call, so it is replaced.
        this.clientId = clientId == null ? "" : clientId.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** The channel to {@code address}, created on first use. */
    public ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        return channels.computeIfAbsent(address, this::open);
    }

    private ManagedChannel open(String address) {
        NettyChannelBuilder builder = security.apply(TransportBuffers.use(NettyChannelBuilder.forTarget(address)))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES);
        if (sasl.enabled()) {
            // Each channel (broker) gets its own session: tokens are held by the broker that issued them.
            builder.intercept(new ScramClientInterceptor(sasl, new java.security.SecureRandom(),
                    () -> System.nanoTime() / 1_000_000));
        }
        if (!clientId.isEmpty()) {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(dev.sluice.security.Principals.CLIENT_ID_HEADER, clientId);
            builder.intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return builder.build();
    }

    @Override
    public void close() {
        closed = true;
        List<ManagedChannel> all = new ArrayList<>(channels.values());
        channels.clear();
        all.forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : all) {
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
