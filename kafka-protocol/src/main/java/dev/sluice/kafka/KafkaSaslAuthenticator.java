package dev.sluice.kafka;

import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramException;
import dev.sluice.security.scram.ScramMechanism;
import dev.sluice.security.scram.ScramServerExchange;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * SASL on one Kafka connection (KIP-152: SaslHandshake v1, then SaslAuthenticate frames) with SCRAM-SHA-256/512
 * over Sluice's own SCRAM exchange, so the gRPC port and the Kafka listener check credentials the same way. Until
 * the exchange succeeds the connection may send ApiVersions and these two only; a failed exchange is answered with
 * {@code SASL_AUTHENTICATION_FAILED} and the same message for an unknown user and a wrong password, and the
 * connection is then closed, as Kafka does. No re-authentication (session lifetime 0, as Kafka without
 * {@code connections.max.reauth.ms}).
 *
 * <p>One per connection, used on its event loop only (the SCRAM steps are a few HMACs).
 */
final class KafkaSaslAuthenticator {
    private enum State { HANDSHAKE, FIRST, FINAL, DONE, FAILED }

    /** A response to send; {@code close} when the connection must close after it. */
    record Outcome(AbstractResponse response, boolean close) {
    }

    private final Set<ScramMechanism> enabled;
    private final BiFunction<String, ScramMechanism, Optional<ScramCredential>> credentials;
    private final RandomGenerator random;
    private final byte[] decoySecret;
    private State state = State.HANDSHAKE;
    private ScramMechanism mechanism;
    private ScramServerExchange exchange;
    private String user;

    KafkaSaslAuthenticator(Set<ScramMechanism> enabled,
                           BiFunction<String, ScramMechanism, Optional<ScramCredential>> credentials,
                           RandomGenerator random, byte[] decoySecret) {
        this.enabled = Set.copyOf(enabled);
        this.credentials = credentials;
        this.random = random;
        this.decoySecret = decoySecret.clone();
    }

    boolean authenticated() {
        return state == State.DONE;
    }

    /** The authenticated user; null before. */
    String user() {
        return user;
    }

    Outcome handle(AbstractRequest request) {
        if (request instanceof SaslHandshakeRequest handshake) {
            return handshake(handshake.data().mechanism());
        }
        return authenticate(((SaslAuthenticateRequest) request).data().authBytes());
    }

    private Outcome handshake(String name) {
        List<String> offered = enabled.stream().map(ScramMechanism::mechanismName).sorted().toList();
        SaslHandshakeResponseData data = new SaslHandshakeResponseData().setMechanisms(offered);
        if (state != State.HANDSHAKE) {
            return new Outcome(new SaslHandshakeResponse(data.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())), true);
        }
        Optional<ScramMechanism> chosen = ScramMechanism.forName(name).filter(enabled::contains);
        if (chosen.isEmpty()) {
            return new Outcome(new SaslHandshakeResponse(
                    data.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code())), true);
        }
        mechanism = chosen.get();
        state = State.FIRST;
        return new Outcome(new SaslHandshakeResponse(data.setErrorCode(Errors.NONE.code())), false);
    }

    private Outcome authenticate(byte[] bytes) {
        String message = new String(bytes, StandardCharsets.UTF_8);
        try {
            switch (state) {
                case FIRST -> {
                    exchange = new ScramServerExchange(mechanism, u -> credentials.apply(u, mechanism), nonce(),
                            decoySecret);
                    String serverFirst = exchange.handleClientFirst(message);
                    state = State.FINAL;
                    return success(serverFirst);
                }
                case FINAL -> {
                    Optional<ScramServerExchange.Success> success = exchange.handleClientFinal(message);
                    if (success.isEmpty()) {
                        return failed(Errors.SASL_AUTHENTICATION_FAILED, ScramServerExchange.FAILED);
                    }
                    user = success.get().user();
                    state = State.DONE;
                    return success(success.get().serverFinal());
                }
                default -> {
                    return failed(Errors.ILLEGAL_SASL_STATE, "SaslAuthenticate out of turn");
                }
            }
        } catch (ScramException e) {
            return failed(Errors.SASL_AUTHENTICATION_FAILED, ScramServerExchange.FAILED);
        }
    }

    /** The user named in the exchange so far, for the log; null before client-first. */
    String attemptedUser() {
        return exchange == null ? null : exchange.user();
    }

    private static Outcome success(String message) {
        return new Outcome(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.NONE.code()).setAuthBytes(message.getBytes(StandardCharsets.UTF_8))
                .setSessionLifetimeMs(0)), false);
    }

    private Outcome failed(Errors error, String message) {
        state = State.FAILED;
        return new Outcome(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(error.code()).setErrorMessage(message).setAuthBytes(new byte[0])), true);
    }

    private String nonce() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }
}
