package dev.sluice.client.internal;

import dev.sluice.proto.v1.AuthenticateRequest;
import dev.sluice.proto.v1.AuthenticateResponse;
import dev.sluice.proto.v1.AuthenticationGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.AuthenticationInterceptor;
import dev.sluice.security.scram.ScramClientExchange;
import dev.sluice.security.scram.ScramException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Authenticates the client to one broker with SCRAM before its first call (auth.proto's exchange, on the same
 * channel) and puts the session token on every call ({@code authorization: Bearer}). The token is renewed before
 * the lifetime the broker gave runs out, and dropped when a call is refused {@code UNAUTHENTICATED} (a restarted
 * broker forgot it), so that the next call authenticates again. A failed exchange fails the call with
 * {@code UNAUTHENTICATED} and the broker's message, which does not say whether the user or the password was wrong.
 *
 * <p>One per channel; thread-safe: the exchange runs under a lock, on the thread of the first call that needs it.
 */
final class ScramClientInterceptor implements ClientInterceptor {
    private static final long EXCHANGE_TIMEOUT_MS = 30_000;
    private static final int NONCE_BYTES = 24;

    private final ClientSasl sasl;
    private final RandomGenerator random;
    private final LongSupplier nowMs;
    private final Object lock = new Object();
    private volatile Session session;

    private record Session(String token, long renewAtMs) {
    }

    ScramClientInterceptor(ClientSasl sasl, RandomGenerator random, LongSupplier nowMs) {
        this.sasl = sasl;
        this.random = random;
        this.nowMs = nowMs;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (AuthenticationGrpc.SERVICE_NAME.equals(method.getServiceName())) {
            return next.newCall(method, options);
        }
        Session current;
        try {
            current = session(next);
        } catch (StatusRuntimeException e) {
            return new FailedCall<>(e.getStatus());
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(AuthenticationInterceptor.AUTHORIZATION, AuthenticationInterceptor.BEARER
                        + current.token());
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                            invalidate(current);
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    private void invalidate(Session refused) {
        synchronized (lock) {
            if (session == refused) {
                session = null;
            }
        }
    }

    private Session session(Channel channel) {
        Session current = session;
        if (current != null && nowMs.getAsLong() < current.renewAtMs()) {
            return current;
        }
        synchronized (lock) {
            current = session;
            if (current == null || nowMs.getAsLong() >= current.renewAtMs()) {
                current = authenticate(channel);
                session = current;
            }
            return current;
        }
    }

    private Session authenticate(Channel channel) {
        byte[] nonce = new byte[NONCE_BYTES];
        synchronized (random) {
            random.nextBytes(nonce);
        }
        ScramClientExchange exchange = new ScramClientExchange(sasl.mechanism(), sasl.username(), sasl.password(),
                Base64.getEncoder().withoutPadding().encodeToString(nonce));
        String name = sasl.mechanism().mechanismName();
        long startMs = nowMs.getAsLong();
        AuthenticationGrpc.AuthenticationBlockingStub stub = AuthenticationGrpc.newBlockingStub(channel)
                .withDeadlineAfter(EXCHANGE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        AuthenticateResponse first = check(stub.authenticate(AuthenticateRequest.newBuilder().setMechanism(name)
                .setMessage(exchange.clientFirst()).build()));
        try {
            String clientFinal = exchange.handleServerFirst(first.getMessage());
            AuthenticateResponse last = check(stub.authenticate(AuthenticateRequest.newBuilder().setMechanism(name)
                    .setExchangeId(first.getExchangeId()).setMessage(clientFinal).build()));
            exchange.handleServerFinal(last.getMessage());
            // Renew at 90% of the lifetime, so that a call never carries a token about to expire.
            return new Session(last.getSessionToken(), startMs + last.getSessionLifetimeMs() * 9 / 10);
        } catch (ScramException e) {
            throw Status.UNAUTHENTICATED.withDescription("SCRAM authentication failed: " + e.getMessage())
                    .asRuntimeException();
        }
    }

    private static AuthenticateResponse check(AuthenticateResponse response) {
        if (response.getError() != ErrorCode.NONE) {
            throw Status.UNAUTHENTICATED.withDescription(response.getErrorMessage()).asRuntimeException();
        }
        return response;
    }

    /** A call that fails at start with {@code status}, sending nothing. */
    private static final class FailedCall<Q, R> extends ClientCall<Q, R> {
        private final Status status;

        FailedCall(Status status) {
            this.status = status;
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            listener.onClose(status, new Metadata());
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void cancel(String message, Throwable cause) {
        }

        @Override
        public void halfClose() {
        }

        @Override
        public void sendMessage(Q message) {
        }
    }
}
