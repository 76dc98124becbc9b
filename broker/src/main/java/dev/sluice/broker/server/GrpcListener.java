package dev.sluice.broker.server;

import dev.sluice.security.GrpcTls;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.AdaptiveByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A started gRPC server on one of the node's ports (broker or controller). Starting it turns "address in use" into a
 * message that names the setting to change; closing it lets calls in flight finish for up to 5 s, then cancels the
 * rest.
 */
final class GrpcListener implements AutoCloseable {
    /** The largest message either port accepts. */
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /**
     * The direct buffers every listener of the process writes its responses into: Netty's adaptive allocator, which
     * keeps its chunks for reuse. gRPC's default, a pooled allocator with 2 MiB chunks, frees a chunk once it is
     * empty; a fetch response is written in 1 MiB buffers, so under a consumer each response took fresh chunks that
     * the JDK zeroes. That zeroing was a third of a broker's CPU while serving a consumer, in some runs and not in
     * others (docs/performance.md). Netty 4.2 makes this allocator its default.
     */
    private static final ByteBufAllocator RESPONSE_BUFFERS = new AdaptiveByteBufAllocator(true);

    private final Server server;

    private GrpcListener(Server server) {
        this.server = server;
    }

    /**
     * A server builder for the node's bind address and {@code port} with the node's message size limit, secured as
     * the listener {@code listener} ({@link NodeTls#CLIENT} or {@link NodeTls#CONTROLLER}) is configured: TLS when
     * it has it, and the principal of every call in its gRPC context.
     */
    static NettyServerBuilder builder(NodeContext context, String listener, int port) {
        NodeConfig config = context.config();
        NodeTls tls = config.tls();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), port))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        builder.withChildOption(ChannelOption.ALLOCATOR, RESPONSE_BUFFERS);
        return GrpcTls.secure(builder, listener,
                listener.equals(NodeTls.CLIENT) ? tls.client() : tls.controller(), tls.principalRules(),
                context.clock());
    }

    /** Starts {@code server}, built for the port {@code port} of the setting {@code portKey} of {@code config}. */
    static GrpcListener start(Server server, NodeConfig config, String portKey, int port) throws IOException {
        try {
            return new GrpcListener(server.start());
        } catch (IOException e) {
            if (e.getCause() instanceof BindException || e instanceof BindException
                    || String.valueOf(e.getMessage()).contains("bind")
                    || String.valueOf(e.getCause()).contains("bind")) {
                throw config.cannotListen(portKey, port);
            }
            throw e;
        }
    }

    /** The port bound (the configured one, or the one chosen for a configured 0). */
    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
