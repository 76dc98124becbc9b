package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real gRPC server on loopback with TLS and mTLS, called by real channels: who gets in, and as whom. */
class GrpcTlsTest {
    private static final TestCertificates.Authority CA = TestCertificates.authority("cluster-ca");
    private static final TestCertificates.Authority OTHER_CA = TestCertificates.authority("other-ca");
    /** Answers with the caller's principal as its gRPC handler sees it. */
    private static final MethodDescriptor<String, String> WHO_AM_I = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/WhoAmI")
            .setRequestMarshaller(new Utf8()).setResponseMarshaller(new Utf8()).build();

    @TempDir
    Path dir;
    private Server server;
    private final List<ManagedChannel> channels = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsServerRefusesPlaintextAndServesTlsClientsAsAnonymous() throws IOException {
        int port = start(ClientAuth.NONE, PrincipalMappingRules.DEFAULT, 10_000);
        assertThatThrownBy(() -> call(ChannelSecurity.PLAINTEXT, port)).isInstanceOf(StatusRuntimeException.class);
        assertThat(call(tlsClient(null), port)).isEqualTo(Principals.ANONYMOUS);
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateOrWithAnotherCasAndMapsTheSubject() throws IOException {
        int port = start(ClientAuth.REQUIRED, PrincipalMappingRules.parse("RULE:^CN=([^,]*),O=Payments$/$1/L,DEFAULT"),
                10_000);
        assertThatThrownBy(() -> call(tlsClient(null), port)).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> call(tlsClient(OTHER_CA.issue("CN=Orders,O=Payments")), port))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(call(tlsClient(CA.issue("CN=Orders,O=Payments")), port)).isEqualTo("orders");
        assertThat(call(tlsClient(CA.issue("CN=ops,O=Example")), port)).isEqualTo("CN=ops,O=Example");
    }

    @Test
    void requestedClientAuthLetsClientsWithoutACertificateInAsAnonymous() throws IOException {
        int port = start(ClientAuth.REQUESTED, PrincipalMappingRules.DEFAULT, 10_000);
        assertThat(call(tlsClient(null), port)).isEqualTo(Principals.ANONYMOUS);
        assertThat(call(tlsClient(CA.issue("CN=app")), port)).isEqualTo("CN=app");
    }

    @Test
    void aCertificateNoRuleMapsIsRefusedUnauthenticated() throws IOException {
        int port = start(ClientAuth.REQUIRED, PrincipalMappingRules.parse("RULE:^CN=admin$/admin/"), 10_000);
        assertThatThrownBy(() -> call(tlsClient(CA.issue("CN=app")), port))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
    }

    @Test
    void theClientChecksTheServersNameAndOnlyTls13IsOffered() throws Exception {
        int port = start(ClientAuth.NONE, PrincipalMappingRules.DEFAULT, 10_000);
        // The server's certificate names localhost and 127.0.0.1, not 127.0.0.2.
        assertThatThrownBy(() -> callAt("127.0.0.2", tlsClient(null), port))
                .isInstanceOf(StatusRuntimeException.class);
        SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
        tls12.init(null, new TrustManager[] {new ReloadingTrust(dir.resolve("ca.pem"), Clock.systemUTC(), 0)},
                null);
        try (SSLSocket socket = (SSLSocket) tls12.getSocketFactory().createSocket("localhost", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void aRotatedServerCertificateIsPresentedOnNewConnectionsWithoutARestart() throws Exception {
        int port = start(ClientAuth.NONE, PrincipalMappingRules.DEFAULT, 0);
        X509Certificate before = serverCertificate(port);
        ChannelSecurity client = tlsClient(null);
        assertThat(call(client, port)).isEqualTo(Principals.ANONYMOUS);
        TestCertificates.Issued rotated = CA.issue("CN=node-rotated", "localhost", "127.0.0.1");
        rotated.write(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
        X509Certificate after = serverCertificate(port);
        assertThat(after).isEqualTo(rotated.certificate()).isNotEqualTo(before);
        assertThat(call(client, port)).isEqualTo(Principals.ANONYMOUS);
    }

    private int start(ClientAuth clientAuth, PrincipalMappingRules rules, long reloadMs) throws IOException {
        CA.issue("CN=node-1", "localhost", "127.0.0.1").write(dir.resolve("server.pem"),
                dir.resolve("server-key.pem"));
        CA.writeCertificate(dir.resolve("ca.pem"));
        TlsSettings tls = new TlsSettings(true, dir.resolve("server.pem"), dir.resolve("server-key.pem"),
                dir.resolve("ca.pem"), clientAuth, TlsSettings.DEFAULT_PROTOCOLS, reloadMs);
        ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
                .addMethod(WHO_AM_I, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(Principals.current());
                    response.onCompleted();
                })).build();
        server = GrpcTls.secure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), "test", tls,
                rules, Clock.systemUTC()).addService(echo).build().start();
        return server.getPort();
    }

    private ChannelSecurity tlsClient(TestCertificates.Issued identity) {
        Path cert = null;
        Path key = null;
        if (identity != null) {
            cert = dir.resolve("client-" + channels.size() + ".pem");
            key = dir.resolve("client-key-" + channels.size() + ".pem");
            identity.write(cert, key);
        }
        return GrpcTls.channelSecurity(TlsSettings.client(dir.resolve("ca.pem"), cert, key), Clock.systemUTC());
    }

    private String call(ChannelSecurity security, int port) {
        return callAt("127.0.0.1", security, port);
    }

    private String callAt(String host, ChannelSecurity security, int port) {
        ManagedChannel channel = security.apply(NettyChannelBuilder.forAddress(host, port)).build();
        channels.add(channel);
        return ClientCalls.blockingUnaryCall(channel, WHO_AM_I,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "who");
    }

    /** The certificate the server presents to a new connection (a plain JDK handshake). */
    private X509Certificate serverCertificate(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new ReloadingTrust(dir.resolve("ca.pem"), Clock.systemUTC(), 0)},
                null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
