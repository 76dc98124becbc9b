package dev.sluice.broker.server;

import dev.sluice.broker.rpc.ConnectionMeter;
import dev.sluice.broker.rpc.MalformedRequests;
import dev.sluice.broker.rpc.RpcMetricsInterceptor;
import dev.sluice.controller.ControllerConfig;
import dev.sluice.controller.ControllerService;
import dev.sluice.controller.ThreadEventQueue;
import dev.sluice.controller.io.ControllerGrpcService;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.metadata.TopicConfigs;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The controller role of a node: this voter's {@link ControllerService} (active while this node leads the metadata
 * quorum) and the controller port, which serves the Raft service and the internal {@code Controller} service.
 *
 * <p>Start order: the controller service (registered with the loader for every image and with the quorum for leader
 * changes), then the controller port. The node starts this after the Raft node is built (the service proposes
 * through it, and the port serves it) and before the Raft node starts, so the replay of the log reaches the service
 * and peers can reach this voter from its first election on. Stop order, the reverse: the port, then the service;
 * the node stops the Raft node before this, so that no commit or leader change reaches a stopped service.
 *
 * <p>Threads: the service has its own event thread; gRPC threads serve the port.
 */
final class ControllerRole implements AutoCloseable {
    private final ResourceStack resources;
    private final GrpcListener server;

    private ControllerRole(ResourceStack resources, GrpcListener server) {
        this.resources = resources;
        this.server = server;
    }

    /** Starts the service and listens on the controller port; on failure stops what it started. */
    static ControllerRole start(NodeContext context, MetadataQuorum quorum) throws IOException {
        NodeConfig config = context.config();
        ResourceStack resources = new ResourceStack(config.nodeId());
        try {
            ControllerService service = new ControllerService(config.nodeId(), controllerConfig(config),
                    quorum::append, context.clock(), new SplittableRandom(),
                    new ThreadEventQueue("sluice-controller-" + config.nodeId(), context.faultHandler()));
            quorum.loader().register(service);
            quorum.loader().register(new ControllerMeters(context.registry(),
                    () -> quorum.leaderId() == config.nodeId(), quorum::image));
            quorum.addLeaderChangeListener(service::handleLeaderChange);
            resources.push(service);
            // The same request meters as the broker port: Raft fetches and broker heartbeats are where a slow
            // quorum shows first.
            RpcMetricsInterceptor interceptor = new RpcMetricsInterceptor(context.registry(), "controller");
            MalformedRequests malformed = context.malformedRequests();
            GrpcListener server = resources.push(GrpcListener.start(
                    GrpcListener.builder(context, NodeTls.CONTROLLER, config.controllerPort())
                            .addTransportFilter(new ConnectionMeter(context.registry(), "controller"))
                            .addService(ServerInterceptors.intercept(malformed.guard(quorum.raftService()),
                                    interceptor))
                            .addService(ServerInterceptors.intercept(malformed.guard(new ControllerGrpcService(service,
                                    quorum::leaderId, new ClusterIdCheck(config.nodeId(), context.clusterId()))),
                                    interceptor))
                            .build(),
                    config, NodeConfig.CONTROLLER_PORT, config.controllerPort()));
            return new ControllerRole(resources, server);
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    private static ControllerConfig controllerConfig(NodeConfig config) {
        return ControllerConfig.DEFAULT
                .withDefaults(config.defaultPartitions(), config.defaultReplicationFactor())
                .withSessionTimeoutMs(config.brokerSessionTimeoutMs())
                .withAutoLeaderRebalanceEnable(config.autoLeaderRebalanceEnable())
                .withTopicConfigDefaults(config.defaultDurableAcks()
                        ? Map.of(TopicConfigs.DURABLE_ACKS, "true")
                        : Map.of());
    }

    /** The controller port bound (the configured one, or the one chosen for a configured 0). */
    int port() {
        return server.port();
    }

    /** Stops serving the controller port, then the service. */
    @Override
    public void close() {
        resources.close();
    }
}
