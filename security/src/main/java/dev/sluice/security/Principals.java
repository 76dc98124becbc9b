package dev.sluice.security;

import io.grpc.Context;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The principal of the gRPC call being handled: the name its client certificate maps to
 * ({@link PrincipalMappingRules}), or {@link #ANONYMOUS} for a client without one (plaintext, or TLS without a client
 * certificate). Set by {@link PrincipalInterceptor} on every listener, read by handlers on the call's thread.
 */
public final class Principals {
    /** Kafka's name for a client that did not authenticate. */
    public static final String ANONYMOUS = "ANONYMOUS";
    /** The call's principal in its gRPC {@link Context}. */
    public static final Context.Key<String> PRINCIPAL = Context.key("sluice-principal");
    /** The call's client address (IP, no port) in its gRPC {@link Context}, for host-scoped ACLs. */
    public static final Context.Key<String> CLIENT_HOST = Context.key("sluice-client-host");
    /** The call's client id (a client's name for itself, for quotas) in its gRPC {@link Context}. */
    public static final Context.Key<String> CLIENT_ID = Context.key("sluice-client-id");
    /**
     * The gRPC header a client names itself in (Kafka's request header field {@code client_id}); quotas per client id
     * read it. Absent: the empty client id.
     */
    public static final io.grpc.Metadata.Key<String> CLIENT_ID_HEADER =
            io.grpc.Metadata.Key.of("sluice-client-id", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    /** The prefix of a principal in ACLs ({@code User:alice}), as Kafka's. */
    public static final String USER_TYPE = "User:";

    private Principals() {
    }

    /**
     * The principal of a client on a TLS session (or a plaintext connection, {@code session} null): its verified
     * certificate's subject mapped by {@code rules}, {@link #ANONYMOUS} without a certificate, empty when no rule maps
     * the subject (the caller refuses the client).
     */
    public static Optional<String> ofSession(SSLSession session, PrincipalMappingRules rules) {
        String subject = PrincipalInterceptor.clientSubject(session);
        return subject == null ? Optional.of(ANONYMOUS) : rules.map(subject);
    }

    /** The subject (RFC 2253) of the session's client certificate, or null without one. */
    public static String subjectOf(SSLSession session) {
        return PrincipalInterceptor.clientSubject(session);
    }

    /** The principal of the call on this thread, {@link #ANONYMOUS} outside a call. */
    public static String current() {
        String principal = PRINCIPAL.get();
        return principal == null ? ANONYMOUS : principal;
    }

    /** The call's principal in ACL form: {@code User:} and its name ({@code User:ANONYMOUS} without a certificate). */
    public static String currentUser() {
        return USER_TYPE + current();
    }

    /** The client id of the call on this thread; empty when the client sent none or outside a call. */
    public static String currentClientId() {
        String clientId = CLIENT_ID.get();
        return clientId == null ? "" : clientId;
    }

    /** The address the call came from, {@code *}-free; empty outside a call or when unknown. */
    public static String currentHost() {
        String host = CLIENT_HOST.get();
        return host == null ? "" : host;
    }
}
