package dev.sluice.kafka;

import dev.sluice.broker.server.BrokerServices;
import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.broker.server.NodeTls;
import dev.sluice.security.PrincipalMappingRules;
import dev.sluice.security.TcpServerTls;
import dev.sluice.security.TlsSettings;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka listener of one broker: a Netty server (the Netty shaded into grpc-netty-shaded, the one the gRPC ports
 * run on, so the process carries a single Netty) on {@code kafka.listener.port}. Its pipeline splits the byte stream
 * into Kafka's size-prefixed frames, refusing (and closing the connection on) a frame above
 * {@code socket.request.max.bytes} before buffering it, and hands each frame to the connection's
 * {@link KafkaConnection}. Requests are served on a pool of daemon threads, off the event loops. With
 * {@code listener.kafka.tls.*} set the listener speaks TLS only (Kafka's {@code SSL} security protocol), client
 * certificates as {@code listener.kafka.tls.client.auth} says, and each connection gets its principal
 * ({@link KafkaPrincipalHandler}).
 *
 * <p>Threads: one acceptor thread, event loops (Netty's default count), the request pool; all stopped by
 * {@link #close()}, within a few seconds.
 */
final class KafkaListener implements dev.sluice.broker.server.BrokerProtocol.Listener {
    private static final Logger log = LoggerFactory.getLogger(KafkaListener.class);

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ExecutorService requests;
    private final Channel channel;
    private final int port;

    private KafkaListener(EventLoopGroup acceptor, EventLoopGroup workers, ExecutorService requests,
                          Channel channel) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.requests = requests;
        this.channel = channel;
        this.port = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    static KafkaListener start(BrokerServices services) throws IOException {
        NodeConfig config = services.config();
        KafkaListenerConfig kafka = config.kafka();
        KafkaRequestHandler handler = new KafkaRequestHandler(services);
        TlsSettings tls = config.tls().kafka();
        requireAuthenticationCovered(config, tls);
        SslContext sslContext = tls.enabled()
                ? TcpServerTls.serverContext(NodeTls.KAFKA, tls, Clock.systemUTC()) : null;
        PrincipalMappingRules principalRules = config.tls().principalRules();
        EventLoopGroup acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-kafka-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("sluice-kafka-io", true));
        ExecutorService requests = Executors.newCachedThreadPool(new DefaultThreadFactory("sluice-kafka-request",
                true));
        java.security.SecureRandom random = new java.security.SecureRandom();
        byte[] decoySecret = new byte[32];
        random.nextBytes(decoySecret);
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel socket) {
                        if (sslContext != null) {
                            socket.pipeline().addLast(sslContext.newHandler(socket.alloc()));
                        }
                        socket.pipeline().addLast(new KafkaPrincipalHandler(principalRules));
                        // Kafka frames: a 4-byte big-endian size, then that many bytes; the size is stripped.
                        socket.pipeline().addLast(new LengthFieldBasedFrameDecoder(kafka.maxRequestBytes() + 4, 0, 4,
                                0, 4, true), new KafkaConnection(handler, requests, sasl(services, random,
                                        decoySecret)));
                    }
                });
        try {
            Channel channel = bootstrap.bind(new InetSocketAddress(config.bindHost(), kafka.port())).sync().channel();
            KafkaListener listener = new KafkaListener(acceptor, workers, requests, channel);
            log.info("Kafka listener of broker {} on {}:{} (advertised as {}:{}, {})", config.nodeId(),
                    config.bindHost(), listener.port, config.host(), listener.port, (tls.enabled()
                            ? "TLS, client certificates " + tls.clientAuth().name().toLowerCase(Locale.ROOT)
                            : "plaintext") + (config.authentication().kafkaMechanisms().isEmpty() ? ""
                            : ", SASL " + config.authentication().kafkaMechanisms()));
            return listener;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutDown(acceptor, workers, requests);
            throw new IOException("interrupted while binding the Kafka listener", e);
        } catch (Exception e) {
            // Netty rethrows the bind's checked exception undeclared.
            shutDown(acceptor, workers, requests);
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + kafka.port() + " ("
                        + KafkaListenerConfig.PORT + "): the address is in use or not available here; set another "
                        + "port, or " + KafkaListenerConfig.ENABLED + "=false", e);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("cannot start the Kafka listener", e);
        }
    }

    /** Refuses a listener that would let in the anonymous clients the gRPC port refuses. */
    private static void requireAuthenticationCovered(NodeConfig config, TlsSettings tls) {
        if (config.authentication().required() && config.authentication().kafkaMechanisms().isEmpty()
                && !(tls.enabled() && tls.clientAuth() == dev.sluice.security.ClientAuth.REQUIRED)) {
            throw new IllegalArgumentException(dev.sluice.broker.server.AuthenticationConfig.REQUIRED + "=true, but "
                    + "the Kafka listener lets clients in without authenticating: set "
                    + dev.sluice.broker.server.AuthenticationConfig.KAFKA_MECHANISMS + ", or "
                    + NodeTls.key(NodeTls.KAFKA, "client.auth") + "=required, or " + KafkaListenerConfig.ENABLED
                    + "=false");
        }
    }

    /** The connection's SASL authenticator, null when {@code listener.kafka.sasl.enabled.mechanisms} is empty. */
    private static KafkaSaslAuthenticator sasl(BrokerServices services, java.util.random.RandomGenerator random,
                                               byte[] decoySecret) {
        var mechanisms = services.config().authentication().kafkaMechanisms();
        return mechanisms.isEmpty() ? null : new KafkaSaslAuthenticator(mechanisms,
                (user, mechanism) -> services.image().get().scram().credential(user, mechanism), random, decoySecret);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutDown(acceptor, workers, requests);
    }

    private static void shutDown(EventLoopGroup acceptor, EventLoopGroup workers, ExecutorService requests) {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        requests.shutdownNow();
    }
}
