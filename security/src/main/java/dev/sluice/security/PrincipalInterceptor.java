package dev.sluice.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each call's principal into its gRPC context ({@link Principals#PRINCIPAL}), with its client id
 * ({@link Principals#CLIENT_ID}, from the {@code sluice-client-id} header): the subject of the client's
 * verified certificate mapped by the listener's {@link PrincipalMappingRules}, or {@link Principals#ANONYMOUS} when
 * the client presented none. A certificate that no rule maps is refused with {@code UNAUTHENTICATED}, and the
 * refusal logged with the subject and the client's address (a mapping mistake locks clients out; the log says why).
 * Stateless apart from the rules; any thread.
 */
final class PrincipalInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(PrincipalInterceptor.class);

    private final String listener;
    private final PrincipalMappingRules rules;

    PrincipalInterceptor(String listener, PrincipalMappingRules rules) {
        this.listener = listener;
        this.rules = rules;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String subject = clientSubject(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        String principal = Principals.ANONYMOUS;
        if (subject != null) {
            Optional<String> mapped = rules.map(subject);
            if (mapped.isEmpty()) {
                log.warn("Refusing {} on the {} listener from {}: no principal mapping rule matches the client "
                        + "certificate's subject '{}' (rules: {})", call.getMethodDescriptor().getFullMethodName(),
                        listener, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), subject, rules);
                call.close(Status.UNAUTHENTICATED.withDescription("no principal mapping rule matches the client "
                        + "certificate's subject"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            principal = mapped.get();
        }
        String clientId = headers.get(Principals.CLIENT_ID_HEADER);
        Context context = Context.current().withValues(Principals.PRINCIPAL, principal, Principals.CLIENT_HOST,
                clientHost(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)), Principals.CLIENT_ID,
                clientId == null ? "" : clientId);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The client's IP address as text, empty when the transport did not say (an in-process channel). */
    static String clientHost(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "";
    }

    /** The subject (RFC 2253) of the client's certificate, or null without TLS or without a client certificate. */
    static String clientSubject(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                return leaf.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException expected) {
            return null;  // a client without a certificate on a listener that only requests one
        }
        return null;
    }
}
