package dev.sluice.kafka;

import dev.sluice.security.PrincipalMappingRules;
import dev.sluice.security.Principals;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.util.AttributeKey;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.util.Optional;
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
