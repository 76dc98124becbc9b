package dev.sluice.security;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

/**
 * How a gRPC client channel is secured: in plaintext, or with TLS from one {@link SslContext} (whose key and trust
 * managers reload their files, so one context serves for the life of the process). Immutable; any thread.
 */
@FunctionalInterface
public interface ChannelSecurity {
    /** No TLS. */
    ChannelSecurity PLAINTEXT = NettyChannelBuilder::usePlaintext;

    /** Configures {@code builder}'s transport security and returns it. */
    NettyChannelBuilder apply(NettyChannelBuilder builder);

    /** TLS with {@code context}, a client context (see {@link GrpcTls#clientContext}). */
    static ChannelSecurity tls(SslContext context) {
        return builder -> builder.sslContext(context);
    }

    /** A channel to {@code host:port}; with TLS the server's certificate must name {@code host}. */
    default ManagedChannel open(String host, int port) {
        return apply(TransportBuffers.use(NettyChannelBuilder.forAddress(host, port))).build();
    }
}
