package dev.sluice.security;

import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.time.Clock;

/**
 * Netty TLS server contexts for listeners that speak their own protocol over TLS (the Kafka listener), built from
 * {@link TlsSettings} like the gRPC ports' ({@link GrpcTls}) but without gRPC's ALPN (HTTP/2) and cipher choices: a
 * Kafka client offers no ALPN. The key and trust managers reload rotated files ({@link ReloadingIdentity},
 * {@link ReloadingTrust}). Stateless; any thread.
 */
public final class TcpServerTls {
    private TcpServerTls() {
    }

    /** A server context for {@code listener}; refuses settings without a certificate, or mTLS without a CA bundle. */
    public static SslContext serverContext(String listener, TlsSettings tls, Clock clock) {
        tls.checkUsableByListener(listener);
        return GrpcTls.build(builder(tls, clock));
    }

    /** The builder both kinds of server context start from: identity, trust, client authentication, protocols. */
    static SslContextBuilder builder(TlsSettings tls, Clock clock) {
        SslContextBuilder builder = SslContextBuilder.forServer(
                new ReloadingIdentity(tls.certFile(), tls.keyFile(), clock, tls.reloadCheckIntervalMs()));
        if (tls.caFile() != null) {
            builder.trustManager(new ReloadingTrust(tls.caFile(), clock, tls.reloadCheckIntervalMs()));
        }
        builder.clientAuth(switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case REQUESTED -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        });
        return builder.protocols(tls.protocols());
    }
}
