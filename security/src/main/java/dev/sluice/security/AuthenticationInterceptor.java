package dev.sluice.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a session token ({@code authorization: Bearer <token>} metadata, from a SCRAM exchange) into the call's
 * principal, the token's user, in the same context key as certificate principals ({@link Principals#PRINCIPAL}), so
 * that ACLs apply unchanged. Runs after {@link PrincipalInterceptor}. A token that is unknown or expired is refused
 * with {@code UNAUTHENTICATED} (the client authenticates again). With {@code required}, a call with neither a client
 * certificate principal nor a token is refused with {@code UNAUTHENTICATED}, except the services named in
 * {@code openServices} (the exchange itself, health). Stateless apart from its collaborators; any thread.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {
    /** The metadata key of the session token; the value is {@code Bearer <token>}. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final String BEARER = "Bearer ";

    /** Resolves a session token to its user; empty when unknown, expired or the user was deleted. */
    @FunctionalInterface
    public interface TokenResolver {
        Optional<String> user(String token);
    }

    private final TokenResolver tokens;
    private final boolean required;
    private final Set<String> openServices;

    public AuthenticationInterceptor(TokenResolver tokens, boolean required, Set<String> openServices) {
        this.tokens = tokens;
        this.required = required;
        this.openServices = Set.copyOf(openServices);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (openServices.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            Optional<String> user = tokens.user(authorization.substring(BEARER.length()).trim());
            if (user.isEmpty()) {
                return refuse(call, "the session token is unknown or expired: authenticate again");
            }
            Context context = Context.current().withValue(Principals.PRINCIPAL, user.get());
            return Contexts.interceptCall(context, call, headers, next);
        }
        if (required && Principals.current().equals(Principals.ANONYMOUS)) {
            return refuse(call, "authentication required: present a client certificate or authenticate with SCRAM "
                    + "(sasl.mechanism, sasl.username, sasl.password)");
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String message) {
        call.close(Status.UNAUTHENTICATED.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
