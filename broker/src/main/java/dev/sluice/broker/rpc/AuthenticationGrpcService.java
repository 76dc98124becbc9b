package dev.sluice.broker.rpc;

import com.google.protobuf.ByteString;
import dev.sluice.proto.v1.AuthenticateRequest;
import dev.sluice.proto.v1.AuthenticateResponse;
import dev.sluice.proto.v1.AuthenticationGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.Principals;
import dev.sluice.security.scram.AuthSessions;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramException;
import dev.sluice.security.scram.ScramMechanism;
import dev.sluice.security.scram.ScramServerExchange;
import io.grpc.stub.StreamObserver;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCRAM exchange on the broker port (auth.proto's {@code Authentication} service): client-first opens an
 * exchange held here for {@value #EXCHANGE_LIFETIME_MS} ms under a random id, client-final with that id closes it and,
 * when the proof is right, gets a session token from {@link AuthSessions}. Every failure (unknown user, wrong
 * password, malformed message, unknown or expired exchange) gets the same {@code SASL_AUTHENTICATION_FAILED} and
 * message; the log says which, with the user name and the client's address, never a message or key.
 *
 * <p>Thread-safe: exchanges sit in a concurrent map and each is taken out by the call that finishes it. Time and
 * randomness are injected (a SecureRandom in production).
 */
public final class AuthenticationGrpcService extends AuthenticationGrpc.AuthenticationImplBase {
    private static final Logger log = LoggerFactory.getLogger(AuthenticationGrpcService.class);
    /** How long a client has between client-first and client-final. */
    static final long EXCHANGE_LIFETIME_MS = 30_000;
    /** Open exchanges held at most; more are refused, so that unfinished exchanges cannot exhaust memory. */
    static final int MAX_PENDING_EXCHANGES = 10_000;
    private static final int EXCHANGE_ID_BYTES = 16;
    private static final int NONCE_BYTES = 24;

    private final Set<ScramMechanism> enabled;
    private final BiFunction<String, ScramMechanism, Optional<ScramCredential>> credentials;
    private final AuthSessions sessions;
    private final RandomGenerator random;
    private final LongSupplier nowMs;
    private final long sessionLifetimeMs;
    private final byte[] decoySecret = new byte[32];
    private final Map<ByteString, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(ScramServerExchange exchange, ScramMechanism mechanism, long expiresAtMs) {
    }

    public AuthenticationGrpcService(Set<ScramMechanism> enabled,
                                     BiFunction<String, ScramMechanism, Optional<ScramCredential>> credentials,
                                     AuthSessions sessions, long sessionLifetimeMs, RandomGenerator random,
                                     LongSupplier nowMs) {
        this.enabled = Set.copyOf(enabled);
        this.credentials = credentials;
        this.sessions = sessions;
        this.sessionLifetimeMs = sessionLifetimeMs;
        this.random = random;
        this.nowMs = nowMs;
        random.nextBytes(decoySecret);
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> responses) {
        BrokerGrpcService.reply(responses, handle(request));
    }

    private AuthenticateResponse handle(AuthenticateRequest request) {
        Optional<ScramMechanism> mechanism = ScramMechanism.forName(request.getMechanism());
        if (mechanism.isEmpty() || !enabled.contains(mechanism.get())) {
            return AuthenticateResponse.newBuilder().setError(ErrorCode.UNSUPPORTED_SASL_MECHANISM)
                    .setErrorMessage("mechanism '" + request.getMechanism() + "' is not enabled; this broker offers "
                            + enabled.stream().map(ScramMechanism::mechanismName).sorted().toList()).build();
        }
        long now = nowMs.getAsLong();
        pending.values().removeIf(p -> p.expiresAtMs() <= now);
        try {
            return request.getExchangeId().isEmpty() ? first(mechanism.get(), request.getMessage(), now)
                    : last(mechanism.get(), request, now);
        } catch (ScramException e) {
            log.info("Refused a {} authentication from {}: {}", mechanism.get().mechanismName(),
                    Principals.currentHost(), e.getMessage());
            return failed();
        }
    }

    private AuthenticateResponse first(ScramMechanism mechanism, String clientFirst, long now) {
        if (pending.size() >= MAX_PENDING_EXCHANGES) {
            throw new ScramException(MAX_PENDING_EXCHANGES + " exchanges are already open");
        }
        ScramServerExchange exchange = new ScramServerExchange(mechanism, user -> credentials.apply(user, mechanism),
                randomText(NONCE_BYTES), decoySecret);
        String serverFirst = exchange.handleClientFirst(clientFirst);
        ByteString id = ByteString.copyFrom(randomBytes(EXCHANGE_ID_BYTES));
        pending.put(id, new Pending(exchange, mechanism, now + EXCHANGE_LIFETIME_MS));
        return AuthenticateResponse.newBuilder().setError(ErrorCode.NONE).setExchangeId(id).setMessage(serverFirst)
                .build();
    }

    private AuthenticateResponse last(ScramMechanism mechanism, AuthenticateRequest request, long now) {
        Pending exchange = pending.remove(request.getExchangeId());
        if (exchange == null || exchange.mechanism() != mechanism || exchange.expiresAtMs() <= now) {
            throw new ScramException("an unknown or expired exchange");
        }
        Optional<ScramServerExchange.Success> success = exchange.exchange().handleClientFinal(request.getMessage());
        if (success.isEmpty()) {
            log.info("Refused the {} authentication of user '{}' from {}: unknown user or wrong password",
                    mechanism.mechanismName(), exchange.exchange().user(), Principals.currentHost());
            return failed();
        }
        AuthSessions.Session session = sessions.issue(success.get().user(), now);
        log.debug("Authenticated user '{}' with {} from {}", session.user(), mechanism.mechanismName(),
                Principals.currentHost());
        return AuthenticateResponse.newBuilder().setError(ErrorCode.NONE).setMessage(success.get().serverFinal())
                .setSessionToken(session.token()).setSessionLifetimeMs(sessionLifetimeMs).build();
    }

    private static AuthenticateResponse failed() {
        return AuthenticateResponse.newBuilder().setError(ErrorCode.SASL_AUTHENTICATION_FAILED)
                .setErrorMessage(ScramServerExchange.FAILED).build();
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private String randomText(int count) {
        return Base64.getEncoder().withoutPadding().encodeToString(randomBytes(count));
    }
}
