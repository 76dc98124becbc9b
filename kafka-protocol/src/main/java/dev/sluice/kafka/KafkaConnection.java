package dev.sluice.kafka;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the Kafka listener: takes the request frames (size prefix already removed by the
 * pipeline's frame decoder), decodes each with kafka-clients, has it served off the event loop, and writes the
 * responses back, length-prefixed.
 *
 * <p>Requests on a connection are served one at a time, in arrival order, and their responses go out in that order,
 * as a Kafka broker does: the protocol has clients match responses by order as well as by correlation id, and an
 * idempotent producer pipelining up to 5 batches relies on them reaching the log in order. Frames that arrive
 * meanwhile wait in a queue; past {@link #MAX_QUEUED_REQUESTS} the connection stops reading until it drains, so a
 * client cannot make the broker buffer without bound. A Produce with {@code acks=0} is served in its turn but gets
 * no response. Frames already received when the client closes the connection are still served, their responses
 * dropped, as a Kafka broker does: an {@code acks=0} producer that closes right after its last send loses nothing the
 * broker read.
 *
 * <p>A frame that does not decode (a bad header, an unknown API key, a body that does not parse, a frame larger than
 * {@code socket.request.max.bytes}) closes the connection with one log line, as in Kafka; the broker carries on.
 *
 * <p>Threads: every field is touched on the connection's event loop only; serving runs on the request executor and
 * hands its response back to the event loop.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    /** Frames queued behind the one being served before the connection stops reading. */
    static final int MAX_QUEUED_REQUESTS = 16;
    private static final ListenerName LISTENER = ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT);

    private final KafkaRequestHandler handler;
    private final Executor executor;
    /** Null when the listener has no SASL mechanisms: then the TLS or plaintext principal stands. */
    private final KafkaSaslAuthenticator sasl;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private boolean serving;
    /** Closed by this side after a bad frame or a failed acks=0 produce: what is queued is dropped. */
    private boolean abandoned;
    private String connectionId = "unconnected";

    KafkaConnection(KafkaRequestHandler handler, Executor executor) {
        this(handler, executor, null);
    }

    KafkaConnection(KafkaRequestHandler handler, Executor executor, KafkaSaslAuthenticator sasl) {
        this.handler = handler;
        this.executor = executor;
        this.sasl = sasl;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connectionId = ctx.channel().localAddress() + "-" + ctx.channel().remoteAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        queued.add((ByteBuf) message);
        if (queued.size() >= MAX_QUEUED_REQUESTS) {
            ctx.channel().config().setAutoRead(false);
        }
        if (!serving) {
            serveNext(ctx);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.warn("Kafka connection {}: closed: request frame larger than socket.request.max.bytes ({})",
                    connectionId, cause.getMessage());
        } else {
            log.warn("Kafka connection {}: closed after an error: {}", connectionId, cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (abandoned) {
            dropQueued();
        } else if (!serving) {
            serveNext(ctx);  // the client closed: what it sent before still counts
        }
        super.channelInactive(ctx);
    }

    private void dropQueued() {
        queued.forEach(ByteBuf::release);
        queued.clear();
    }

    /** Serves the oldest queued frame, if any and the connection was not abandoned. */
    private void serveNext(ChannelHandlerContext ctx) {
        if (abandoned) {
            serving = false;
            dropQueued();
            return;
        }
        ByteBuf frame = queued.poll();
        if (frame == null) {
            serving = false;
            if (ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        serving = true;
        ByteBuffer buffer = ByteBuffer.allocate(frame.readableBytes());
        frame.readBytes(buffer);
        frame.release();
        buffer.flip();
        DecodedRequest request = decode(ctx, buffer);
        if (request == null || maybeServeSasl(ctx, request)) {
            return;
        }
        CompletableFuture.supplyAsync(KafkaPrincipalHandler.asCaller(ctx, request.context().clientId(),
                        () -> handler.handle(request.context(), request.request())), executor)
                .thenCompose(future -> future)
                .whenComplete((response, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        log.error("Kafka connection {}: {} failed", connectionId, request.context().header, failure);
                        if (request.request() instanceof ProduceRequest produce && produce.acks() == 0) {
                            // No answer is awaited; closing is how Kafka tells an acks=0 producer to refresh.
                            malformed(ctx, "acks=0 produce failed", null);
                            return;
                        }
                        write(ctx, request.context(), request.request().getErrorResponse(0,
                                Errors.UNKNOWN_SERVER_ERROR.exception("the broker failed to serve the request")));
                    } else if (response != null) {
                        write(ctx, request.context(), response);
                        if (response.throttleTimeMs() > 0) {
                            // A quota throttled the client: as a Kafka broker mutes the connection (KIP-219), its
                            // next request is not read before the throttle ends. A client that honours the throttle
                            // time waits as long itself, so only one that does not is slowed further.
                            ctx.executor().schedule(() -> serveNext(ctx), response.throttleTimeMs(),
                                    java.util.concurrent.TimeUnit.MILLISECONDS);
                            return;
                        }
                    }
                    serveNext(ctx);
                }));
    }

    /**
     * Serves SaslHandshake and SaslAuthenticate here, on the event loop, and closes a connection that sends anything
     * but ApiVersions before it authenticated; true when the request was dealt with (the next one's turn taken).
     */
    private boolean maybeServeSasl(ChannelHandlerContext ctx, DecodedRequest request) {
        ApiKeys api = request.context().header.apiKey();
        boolean saslApi = api == ApiKeys.SASL_HANDSHAKE || api == ApiKeys.SASL_AUTHENTICATE;
        if (sasl == null) {
            if (!saslApi) {
                return false;
            }
            write(ctx, request.context(), request.request().getErrorResponse(0,
                    Errors.UNSUPPORTED_SASL_MECHANISM.exception("this listener has no SASL mechanisms")));
            malformed(ctx, api + " on a listener without SASL", null);
            return true;
        }
        if (!saslApi) {
            if (sasl.authenticated() || api == ApiKeys.API_VERSIONS) {
                return false;
            }
            malformed(ctx, api + " before SASL authentication", null);
            return true;
        }
        KafkaSaslAuthenticator.Outcome outcome = sasl.handle(request.request());
        write(ctx, request.context(), outcome.response());
        if (outcome.close()) {
            log.info("Kafka connection {}: SASL authentication of user '{}' refused", connectionId,
                    sasl.attemptedUser());
            malformed(ctx, "SASL authentication failed", null);
            return true;
        }
        if (sasl.authenticated()) {
            ctx.channel().attr(KafkaPrincipalHandler.PRINCIPAL).set(sasl.user());
        }
        serveNext(ctx);
        return true;
    }

    private record DecodedRequest(RequestContext context, AbstractRequest request) {
    }

    /**
     * Decodes a frame; null when it was answered here (an unsupported API or version) or the connection was closed
     * (it did not decode). Either way the next frame's turn has been taken care of.
     */
    private DecodedRequest decode(ChannelHandlerContext ctx, ByteBuffer buffer) {
        RequestContext context;
        AbstractRequest request;
        try {
            RequestHeader header = RequestHeader.parse(buffer);
            context = new RequestContext(header, connectionId, remoteAddress(ctx), KafkaPrincipal.ANONYMOUS,
                    LISTENER, SecurityProtocol.PLAINTEXT, ClientInformation.EMPTY, false);
            ApiKeys api = header.apiKey();
            if (!api.isVersionSupported(header.apiVersion()) && api != ApiKeys.API_VERSIONS) {
                malformed(ctx, "version " + header.apiVersion() + " of " + api + " cannot be decoded", null);
                return null;
            }
            request = context.parseRequest(buffer).request;
        } catch (RuntimeException e) {
            malformed(ctx, "request does not decode", e);
            return null;
        }
        if (!SupportedApis.isServed(context.header.apiKey(), context.header.apiVersion())) {
            write(ctx, context, request.getErrorResponse(0, Errors.UNSUPPORTED_VERSION.exception(
                    context.header.apiKey() + " version " + context.header.apiVersion() + " is not supported")));
            serveNext(ctx);
            return null;
        }
        return new DecodedRequest(context, request);
    }

    private void malformed(ChannelHandlerContext ctx, String what, RuntimeException cause) {
        log.warn("Kafka connection {}: closed: {}{}", connectionId, what, cause == null ? "" : ": " + cause);
        serving = false;
        abandoned = true;
        dropQueued();
        ctx.close();
    }

    private void write(ChannelHandlerContext ctx, RequestContext context, AbstractResponse response) {
        if (!ctx.channel().isActive()) {
            return;  // the client closed the connection; nobody reads this answer
        }
        ByteBuffer payload = context.buildResponseEnvelopePayload(response);
        ByteBuf out = ctx.alloc().buffer(4 + payload.remaining());
        out.writeInt(payload.remaining());
        out.writeBytes(payload);
        ctx.writeAndFlush(out);
    }

    private static java.net.InetAddress remoteAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
    }
}
