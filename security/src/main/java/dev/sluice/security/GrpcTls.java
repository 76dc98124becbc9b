package dev.sluice.security;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.time.Clock;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts for gRPC servers and channels, built from {@link TlsSettings}: the key and trust managers are
 * {@link ReloadingIdentity} and {@link ReloadingTrust}, so certificates rotate without a new context, and
 * the protocols are the settings' ({@code TLSv1.3} by default). gRPC's own ALPN and cipher choices are kept
 * ({@link GrpcSslContexts}). Stateless; any thread.
 */
public final class GrpcTls {
    private GrpcTls() {
    }

    /** A server context; the settings must have a certificate (see {@link TlsSettings#checkUsableByListener}). */
    public static SslContext serverContext(TlsSettings tls, Clock clock) {
        return build(GrpcSslContexts.configure(TcpServerTls.builder(tls, clock)));
    }

    /** A client context: the settings' CA bundle (else the JDK's trust store), their certificate if any. */
    public static SslContext clientContext(TlsSettings tls, Clock clock) {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (tls.caFile() != null) {
            builder.trustManager(new ReloadingTrust(tls.caFile(), clock, tls.reloadCheckIntervalMs()));
        }
        if (tls.hasIdentity()) {
            builder.keyManager(new ReloadingIdentity(tls.certFile(), tls.keyFile(), clock,
                    tls.reloadCheckIntervalMs()));
        }
        builder.protocols(tls.protocols());
        return build(builder);
    }

    /** Plaintext when TLS is off, else TLS with a client context of {@code tls}. */
    public static ChannelSecurity channelSecurity(TlsSettings tls, Clock clock) {
        return tls.enabled() ? ChannelSecurity.tls(clientContext(tls, clock)) : ChannelSecurity.PLAINTEXT;
    }

    /**
     * Secures a server: TLS when {@code tls} is on, and in every case the interceptor that puts each call's
     * principal into its gRPC context ({@link Principals}).
     */
    public static NettyServerBuilder secure(NettyServerBuilder builder, String listener, TlsSettings tls,
                                            PrincipalMappingRules rules, Clock clock) {
        tls.checkUsableByListener(listener);
        if (tls.enabled()) {
            builder.sslContext(serverContext(tls, clock));
        }
        return builder.intercept(new PrincipalInterceptor(listener, rules));
    }

    static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
