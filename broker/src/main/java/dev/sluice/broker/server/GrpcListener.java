package dev.sluice.broker.server;

import dev.sluice.security.GrpcTls;
import dev.sluice.security.TransportBuffers;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
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
        NettyServerBuilder builder = TransportBuffers.use(
                NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), port)))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
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
