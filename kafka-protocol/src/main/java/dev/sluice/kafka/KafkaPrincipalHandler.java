package dev.sluice.kafka;

import dev.sluice.security.PrincipalMappingRules;
import dev.sluice.security.Principals;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.util.AttributeKey;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.grpc.Context;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each Kafka connection its principal, as the gRPC ports do ({@link Principals}): on a TLS listener, once the
 * handshake succeeded, the verified client certificate's subject mapped by {@code principal.mapping.rules}
 * ({@link Principals#ANONYMOUS} without a certificate); on a plaintext one, {@link Principals#ANONYMOUS} from the
 * start. A certificate no rule maps closes the connection with a WARN naming the subject; a failed handshake is
 * logged at INFO with the client's address and the reason (as a Kafka broker logs failed authentications). One
 * instance per connection, on its event loop.
 */
final class KafkaPrincipalHandler extends ChannelInboundHandlerAdapter {
    /** The connection's principal, set before its first request is read. */
    static final AttributeKey<String> PRINCIPAL = AttributeKey.valueOf("sluice-kafka-principal");
    private static final Logger log = LoggerFactory.getLogger(KafkaPrincipalHandler.class);

    private final PrincipalMappingRules rules;

    KafkaPrincipalHandler(PrincipalMappingRules rules) {
        this.rules = rules;
    }

    /** The principal of the connection of {@code context}, {@link Principals#ANONYMOUS} until known. */
    static String principal(ChannelHandlerContext context) {
        String principal = context.channel().attr(PRINCIPAL).get();
        return principal == null ? Principals.ANONYMOUS : principal;
    }

    /**
     * {@code work} run as the connection's caller: with its principal and address in the gRPC context, where the ACL
     * checks ({@code RequestAuthorizer}) and the in-process gRPC services read them, as for a gRPC call.
     */
    static <T> Supplier<T> asCaller(ChannelHandlerContext context, Supplier<T> work) {
        return asCaller(context, "", work);
    }

    /** As {@link #asCaller(ChannelHandlerContext, Supplier)}, with the request header's client id (for quotas). */
    static <T> Supplier<T> asCaller(ChannelHandlerContext context, String clientId, Supplier<T> work) {
        String host = context.channel().remoteAddress() instanceof InetSocketAddress address
                && address.getAddress() != null ? address.getAddress().getHostAddress() : "";
        Context caller = Context.current().withValues(Principals.PRINCIPAL, principal(context),
                Principals.CLIENT_HOST, host, Principals.CLIENT_ID, clientId == null ? "" : clientId);
        return () -> {
            Context previous = caller.attach();
            try {
                return work.get();
            } finally {
                caller.detach(previous);
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        if (context.pipeline().get(SslHandler.class) == null) {
            context.channel().attr(PRINCIPAL).set(Principals.ANONYMOUS);
        }
        super.channelActive(context);
    }

    /**
     * Passes bytes on only once the connection has a principal: a refused client's bytes that arrived with its
     * handshake are dropped, not served, while its connection closes.
     */
    @Override
    public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
        if (context.channel().attr(PRINCIPAL).get() == null) {
            ReferenceCountUtil.release(message);
            return;
        }
        super.channelRead(context, message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                log.info("TLS handshake with Kafka client {} failed: {}", context.channel().remoteAddress(),
                        handshake.cause().getMessage());
            } else {
                var session = context.pipeline().get(SslHandler.class).engine().getSession();
                Optional<String> principal = Principals.ofSession(session, rules);
                if (principal.isEmpty()) {
                    log.warn("Closing the connection of Kafka client {}: no principal mapping rule matches its "
                            + "certificate's subject '{}' (rules: {})", context.channel().remoteAddress(),
                            Principals.subjectOf(session), rules);
                    context.close();
                    return;
                }
                context.channel().attr(PRINCIPAL).set(principal.get());
            }
        }
        super.userEventTriggered(context, event);
    }
}
