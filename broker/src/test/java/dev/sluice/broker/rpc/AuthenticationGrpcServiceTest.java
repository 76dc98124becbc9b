package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.internal.ChannelPool;
import dev.sluice.client.internal.ClientSasl;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.security.AuthenticationInterceptor;
import dev.sluice.security.GrpcTls;
import dev.sluice.security.PrincipalMappingRules;
import dev.sluice.security.Principals;
import dev.sluice.security.TlsSettings;
import dev.sluice.security.scram.AuthSessions;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real gRPC server with the SCRAM exchange and the token interceptor in front of a service that answers with the
 * caller's principal, and the real client channel: the principal is {@code User:<name>}, an expired session is
 * refused and the channel authenticates again, a deleted user's token stops working.
 */
class AuthenticationGrpcServiceTest {
    private static final long LIFETIME_MS = 60_000;
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Map<String, ScramCredential> users = new ConcurrentHashMap<>();
    private Server server;

    /** Answers Metadata with the caller's principal as the cluster id. */
    private static final class WhoAmI extends BrokerGrpc.BrokerImplBase {
        @Override
        public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> responses) {
            responses.onNext(MetadataResponse.newBuilder().setClusterId(Principals.currentUser()).build());
            responses.onCompleted();
        }
    }

    private int start() throws IOException {
        AuthSessions sessions = new AuthSessions(new Random(1), LIFETIME_MS);
        AuthenticationGrpcService service = new AuthenticationGrpcService(EnumSet.allOf(ScramMechanism.class),
                (user, mechanism) -> Optional.ofNullable(users.get(user)).filter(c -> c.mechanism() == mechanism),
                sessions, LIFETIME_MS, new Random(2), nowMs::get);
        AuthenticationInterceptor interceptor = new AuthenticationInterceptor(
                token -> sessions.user(token, nowMs.get()).filter(users::containsKey), true,
                Set.of(dev.sluice.proto.v1.AuthenticationGrpc.SERVICE_NAME));
        NettyServerBuilder builder = GrpcTls.secure(NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0)), "client", TlsSettings.PLAINTEXT,
                PrincipalMappingRules.parse("DEFAULT"), Clock.systemUTC());
        server = builder.addService(ServerInterceptors.intercept(service.bindService(), interceptor))
                .addService(ServerInterceptors.intercept(new WhoAmI().bindService(), interceptor)).build().start();
        return server.getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void thePrincipalIsTheUserAndExpiredSessionsAreRenewed() throws IOException {
        users.put("alice", ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "pw".toCharArray(), 4096,
                new Random(3)));
        String address = "127.0.0.1:" + start();
        try (ChannelPool pool = new ChannelPool(TlsSettings.PLAINTEXT,
                new ClientSasl(ScramMechanism.SCRAM_SHA_512, "alice", "pw".toCharArray()))) {
            BrokerGrpc.BrokerBlockingStub stub = BrokerGrpc.newBlockingStub(pool.channel(address));
            assertThat(stub.metadata(MetadataRequest.getDefaultInstance()).getClusterId()).isEqualTo("User:alice");

            // The broker's clock passes the lifetime, the client's does not: the token is refused once, the channel
            // drops it, and the next call authenticates again.
            nowMs.addAndGet(LIFETIME_MS);
            assertThatThrownBy(() -> stub.metadata(MetadataRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.UNAUTHENTICATED))
                    .hasMessageContaining("session token is unknown or expired");
            assertThat(stub.metadata(MetadataRequest.getDefaultInstance()).getClusterId()).isEqualTo("User:alice");

            users.remove("alice");
            assertThatThrownBy(() -> stub.metadata(MetadataRequest.getDefaultInstance()))
                    .hasMessageContaining("session token");
            assertThatThrownBy(() -> stub.metadata(MetadataRequest.getDefaultInstance()))
                    .hasMessageContaining("unknown user or wrong password");
        }
    }

    @Test
    void withoutCredentialsACallIsRefusedAndAnUnknownMechanismIsNamed() throws IOException {
        String address = "127.0.0.1:" + start();
        try (ChannelPool pool = new ChannelPool(TlsSettings.PLAINTEXT)) {
            assertThatThrownBy(() -> BrokerGrpc.newBlockingStub(pool.channel(address))
                    .metadata(MetadataRequest.getDefaultInstance())).hasMessageContaining("authentication required");
            var response = dev.sluice.proto.v1.AuthenticationGrpc.newBlockingStub(pool.channel(address))
                    .authenticate(dev.sluice.proto.v1.AuthenticateRequest.newBuilder().setMechanism("PLAIN")
                            .setMessage("n,,n=a,r=b").build());
            assertThat(response.getError()).isEqualTo(dev.sluice.proto.v1.ErrorCode.UNSUPPORTED_SASL_MECHANISM);
        }
    }
}
