package dev.sluice.broker.server;

import dev.sluice.broker.group.CoordinatorLease;
import dev.sluice.broker.group.ClassicGroupCoordinator;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.log.LogCleaner;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.RetentionTask;
import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.partition.ProducerIdHandler;
import dev.sluice.broker.replication.PartitionReplicas;
import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.broker.rpc.ClusterActionInterceptor;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.rpc.BrokerGrpcService;
import dev.sluice.broker.rpc.ConnectionMeter;
import dev.sluice.broker.rpc.ConnectionOrderedCalls;
import dev.sluice.broker.rpc.GroupGrpcService;
import dev.sluice.broker.rpc.GrpcControllerChannel;
import dev.sluice.broker.rpc.MalformedRequests;
import dev.sluice.broker.rpc.RpcMetricsInterceptor;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import dev.sluice.proto.v1.BrokerGrpc;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.sluice.broker.quota.ClientQuotas;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of a node's broker role: the channel to the active controller, the broker port (client API,
 * admin, groups, replica fetch), the background tasks on the partition store, and the session with the controller
 * ({@link BrokerLifecycle}). Its {@link BrokerStorage} and {@link BrokerReplication} are built before the metadata
 * log replays, since the replay feeds them; this starts after the Raft node, since it serves from the image.
 *
 * <p>Start order ({@link #start}): the controller channel (ISR changes go through it from then on), the RPC pool,
 * the broker port, the replicas' ISR check, retention, the log cleaner, the {@code flush.ms} pass and the
 * high-watermark checkpoint. {@link #startRegistration} then registers with the controller; the node calls it last,
 * once every port is bound, because registering gets this broker unfenced and so sent partitions and clients.
 *
 * <p>Stop order: ending the registration ({@link #startRegistration}'s handle) revokes the coordinator lease, moves
 * this broker's leaderships away (controlled shutdown) and stops heartbeating; {@link #close()} then stops the log
 * cleaner, the broker port, the RPC pool and the controller channel. The tasks on the node's shared scheduler run
 * until the node stops the scheduler, after the replicas and before the partition store.
 *
 * <p>Threads: started and stopped by the node's thread; gRPC calls run on the RPC pool, timers on the scheduler.
 */
final class BrokerRole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerRole.class);
    /** Producer ids the broker asks the controller for at once (Kafka: 1000). */
    private static final int PRODUCER_ID_BLOCK_SIZE = 1000;
    /** How often overdue read barriers are answered with a timeout, in milliseconds. */
    private static final long APPLIED_OFFSET_EXPIRY_INTERVAL_MS = 100;
    /** The high watermark is kept in memory and saved with writes; this bounds how far it can lag after a crash. */
    private static final long HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5000;

    private final NodeConfig config;
    private final ResourceStack resources;
    private final GrpcListener server;
    private final CoordinatorLease coordinatorLease;
    private final BrokerLifecycle lifecycle;

    private BrokerRole(NodeConfig config, ResourceStack resources, GrpcListener server,
                       CoordinatorLease coordinatorLease, BrokerLifecycle lifecycle) {
        this.config = config;
        this.resources = resources;
        this.server = server;
        this.coordinatorLease = coordinatorLease;
        this.lifecycle = lifecycle;
    }

    /**
     * Starts serving; on failure stops what it started.
     *
     * @param controllerAddresses each voter's controller port, this node's own as bound when it is a voter
     */
    static BrokerRole start(NodeContext context, BrokerStorage storage, BrokerReplication replication,
                            MetadataQuorum quorum, Map<Integer, InetSocketAddress> controllerAddresses,
                            List<BrokerProtocol> protocols) throws IOException {
        NodeConfig config = context.config();
        ResourceStack resources = new ResourceStack(config.nodeId());
        try {
            // Combined nodes too: a node that does not lead the quorum must forward to the one that does.
            GrpcControllerChannel channel = resources.push(new GrpcControllerChannel(controllerAddresses,
                    quorum::leaderId, context.scheduler(), context.identity(), context.controllerChannels()));
            replication.connect(channel);
            CoordinatorLease lease = new CoordinatorLease(System::nanoTime, replication.coordinatorLeaseMs());
            ImageTopicSettings settings = new ImageTopicSettings();
            // Calls run on this pool; each connection's Produce calls one at a time, in arrival order, so that an
            // idempotent producer's pipelined batches reach the log in sequence. FetchStream's and
            // ReplicaFetchStream's messages are handled on the transport thread, and only their store reads come
            // here, as do the re-reads of waiting fetches that appends wake.
            ExecutorService rpcPool = Executors.newCachedThreadPool(new DaemonThreads("sluice-broker-rpc"));
            resources.push(rpcPool::shutdownNow);
            BrokerServices services = services(context, storage, replication, quorum, channel, lease, settings,
                    rpcPool, resources);
            if (config.authentication().required() && (!config.tls().client().enabled()
                    || config.tls().client().clientAuth() == dev.sluice.security.ClientAuth.NONE)) {
                log.warn("Node {}: {}=true without client certificates on the broker port: the other brokers' "
                        + "replica fetches carry no principal and are refused; give the nodes certificates ({}="
                        + "requested or required) unless this is a single-node cluster", config.nodeId(),
                        AuthenticationConfig.REQUIRED, NodeTls.key(NodeTls.CLIENT, "client.auth"));
            }
            Authentication authentication = Authentication.of(context.config().authentication(), channel,
                    quorum::brokerImage, replication.appliedOffsets(), services.authorizer(), context.clock());
            GrpcListener server = startServer(context, replication, authentication, services, rpcPool, resources);
            int kafkaPort = startProtocols(config, services, protocols, resources);
            replication.replicas().start();
            scheduleStoreTasks(context, storage, quorum, settings, resources);
            BrokerLifecycle lifecycle = new BrokerLifecycle(config, channel, quorum::brokerImage, quorum::caughtUp,
                    server.port(), kafkaPort, storage.logStore().storeId().toString(), context.scheduler(),
                    new CaughtUpLeaseRenewal(lease, channel::readBarrier, replication.appliedOffsets()::await,
                            replication.coordinatorLeaseMs()),
                    context.faultHandler(), System::nanoTime, leaderlessLogEnds(config, storage.logStore(), quorum),
                    replication.brokerEpoch());
            return new BrokerRole(config, resources, server, lease, lifecycle);
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Builds the handlers and services every client protocol serves with (the gRPC services on the broker port and
     * any {@link BrokerProtocol}).
     */
    private static BrokerServices services(NodeContext context, BrokerStorage storage, BrokerReplication replication,
                                           MetadataQuorum quorum, GrpcControllerChannel channel,
                                           CoordinatorLease lease, ImageTopicSettings settings,
                                           ExecutorService rpcPool, ResourceStack resources) {
        NodeConfig config = context.config();
        LogStore logStore = storage.logStore();
        PartitionReplicas replicas = replication.replicas();
        MetadataPartitionResolver resolver = new MetadataPartitionResolver(config.nodeId(), quorum::brokerImage,
                logStore, settings);
        ListOffsetsHandler listOffsets = new ListOffsetsHandler(resolver);
        ProduceHandler produce = new ProduceHandler(resolver, new ReplicationHighWatermarkPolicy(replicas),
                topic -> settings.forTopic(quorum.brokerImage(), topic).minInsyncReplicas(), context.clock());
        FetchHandler fetch = new FetchHandler(resolver, context.scheduler(), rpcPool, lease::isValid);
        ProducerIdHandler producerIds = new ProducerIdHandler(config.nodeId(), PRODUCER_ID_BLOCK_SIZE,
                channel::allocateProducerIds);
        GroupCoordinator coordinator =
                new GroupCoordinator(resolver, new ReplicationHighWatermarkPolicy(replicas), context.clock());
        coordinator.useLease(lease);
        coordinator.useHandoffs(replication.coordinatorHandoffs());
        GroupMeters groupMeters = new GroupMeters(context.registry(), coordinator, quorum::brokerImage,
                resources.push(new LatestOffsets(config.nodeId(), listOffsets, context.brokerChannels())));
        coordinator.useRebalanceListener(groupMeters::rebalanceCompleted);
        context.meterRefresh().add(groupMeters::refresh);
        RequestAuthorizer authorizer = new RequestAuthorizer(config.authorization().authorizer(),
                quorum::brokerImage);
        AdminGrpcService adminService = new AdminGrpcService(channel, quorum::brokerImage, logStore,
                context.clusterId(), () -> QuorumInfos.of(quorum.status()), replication.appliedOffsets(),
                authorizer);
        context.scheduler().scheduleWithFixedDelay(replication.appliedOffsets()::expireOverdue,
                APPLIED_OFFSET_EXPIRY_INTERVAL_MS, APPLIED_OFFSET_EXPIRY_INTERVAL_MS, TimeUnit.MILLISECONDS);
        ClassicGroupCoordinator classicGroups = new ClassicGroupCoordinator(coordinator);
        context.scheduler().scheduleWithFixedDelay(guarded("classic group deadlines", classicGroups::tick),
                ClassicGroupCoordinator.TICK_INTERVAL_MS, ClassicGroupCoordinator.TICK_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        return new BrokerServices(config, context.clusterId(), quorum::brokerImage, quorum::leaderId, produce, fetch,
                listOffsets, producerIds, adminService,
                new GroupGrpcService(coordinator, quorum::brokerImage, authorizer), coordinator, classicGroups,
                authorizer, new ClientQuotas(() -> quorum.brokerImage().quotas(), context.clock(),
                        new QuotaMeters(context.registry())));
    }

    /** Starts listening on the broker port with the gRPC services, whose calls run on {@code rpcPool}. */
    private static GrpcListener startServer(NodeContext context, BrokerReplication replication,
                                            Authentication authentication, BrokerServices services,
                                            ExecutorService rpcPool, ResourceStack resources) throws IOException {
        NodeConfig config = context.config();
        PartitionReplicas replicas = replication.replicas();
        RpcMetricsInterceptor interceptor = new RpcMetricsInterceptor(context.registry(), "broker");
        MalformedRequests malformed = context.malformedRequests();
        BrokerGrpcService brokerService = new BrokerGrpcService(services.authorizedCalls(),
                new MetadataResponder(services.clusterId(), services.image(), services.controllerId()),
                replication.traffic(), services.producerIds(), rpcPool);
        ConnectionOrderedCalls ordering = new ConnectionOrderedCalls(rpcPool, Set.of(BrokerGrpc.getProduceMethod(),
                BrokerGrpc.getProduceStreamMethod()),
                Set.of(BrokerGrpc.getFetchStreamMethod(), ReplicationGrpc.getReplicaFetchStreamMethod()));
        List<ServerServiceDefinition> definitions = List.of(malformed.guard(brokerService.definition()),
                malformed.guard(services.admin()), malformed.guard(services.groups()),
                ServerInterceptors.intercept(malformed.guard(replicas.replicaFetchService(rpcPool)),
                        new ClusterActionInterceptor(services.authorizer())),
                malformed.guard(authentication.service().bindService()),
                malformed.guard(authentication.users().bindService()));
        NettyServerBuilder builder = ordering
                .install(GrpcListener.builder(context, NodeTls.CLIENT, config.brokerPort()))
                .addTransportFilter(new ConnectionMeter(context.registry(), "broker"));
        // The metrics interceptor runs first (the last listed), so that refused calls are counted as well.
        definitions.forEach(service -> builder.addService(ServerInterceptors.intercept(service,
                authentication.interceptor(), interceptor)));
        return resources.push(GrpcListener.start(builder.build(), config, NodeConfig.BROKER_PORT,
                config.brokerPort()));
    }

    /**
     * Starts the other client protocols (the Kafka listener, when the process has it and {@code
     * kafka.listener.enabled}); returns the Kafka port to register, 0 for none.
     */
    private static int startProtocols(NodeConfig config, BrokerServices services, List<BrokerProtocol> protocols,
                                      ResourceStack resources) throws IOException {
        if (!config.kafka().enabled() || protocols.isEmpty()) {
            return 0;
        }
        int port = 0;
        for (BrokerProtocol protocol : protocols) {
            port = resources.push(protocol.start(services)).port();
        }
        return port;
    }

    /** Schedules the periodic work on the partition store: retention, compaction, {@code flush.ms}, checkpoints. */
    private static void scheduleStoreTasks(NodeContext context, BrokerStorage storage, MetadataQuorum quorum,
                                           ImageTopicSettings settings, ResourceStack resources) {
        NodeConfig config = context.config();
        LogStore logStore = storage.logStore();
        ScheduledExecutorService scheduler = context.scheduler();
        long retentionIntervalMs = config.retentionCheckIntervalMs();
        RetentionTask retention = new RetentionTask(logStore,
                key -> settings.forPartition(quorum.brokerImage(), key), context.clock());
        scheduler.scheduleWithFixedDelay(guarded("retention", retention), retentionIntervalMs, retentionIntervalMs,
                TimeUnit.MILLISECONDS);
        // The cleaner has its own thread so a long compaction pass never delays retention or fetch long-polls.
        ScheduledExecutorService cleaner =
                Executors.newSingleThreadScheduledExecutor(new DaemonThreads("sluice-log-cleaner"));
        resources.push(cleaner::shutdownNow);
        cleaner.scheduleWithFixedDelay(guarded("log cleaner", new LogCleaner(logStore,
                key -> settings.forPartition(quorum.brokerImage(), key), context.clock())), retentionIntervalMs,
                retentionIntervalMs, TimeUnit.MILLISECONDS);
        // flush.ms: unsynced data older than a topic's flush.ms is synced by this pass.
        long flushIntervalMs = config.logFlushSchedulerIntervalMs();
        scheduler.scheduleWithFixedDelay(guarded("flush.ms pass",
                () -> storage.logSyncer().syncOverdue(context.clock().millis())), flushIntervalMs, flushIntervalMs,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("high-watermark checkpoint", logStore::checkpointHighWatermarks),
                HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Where this broker's replicas of leaderless partitions end, for the controller's election after a full outage.
     * None from a store rebuilt empty after damage: its replicas are no candidates, whatever the ISR said.
     */
    private static Supplier<List<ReplicaLogEnd>> leaderlessLogEnds(NodeConfig config, LogStore logStore,
                                                                   MetadataQuorum quorum) {
        return () -> logStore.rebuiltAfterDamage() ? List.of()
                : LeaderlessLogEnds.of(quorum.brokerImage(), config.nodeId(), logStore::findPartition);
    }

    /**
     * A periodic task that never throws: an exception would silently cancel its schedule. Storage write failures
     * reached the fault handler in the store already; anything else is logged and the next run retries.
     */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Background task {} failed; retrying at its next run", what, e);
            }
        };
    }

    /**
     * Starts the session with the controller: registering once the image caught up, then heartbeating. The node
     * calls this once every port is bound. The returned handle ends the session: it revokes the coordinator lease
     * first, so that the partitions' new leaders need not wait it out (see
     * {@link dev.sluice.broker.group.CoordinatorHandoffs}), then moves this broker's leaderships away (bounded by
     * {@code controlled.shutdown.timeout.ms}; 0 skips it), then stops heartbeating.
     */
    AutoCloseable startRegistration() {
        lifecycle.start();
        return this::endRegistration;
    }

    private void endRegistration() {
        coordinatorLease.revoke();
        if (config.controlledShutdownTimeoutMs() > 0) {
            lifecycle.controlledShutdown(config.controlledShutdownTimeoutMs());
        }
        lifecycle.close();
    }

    /** The broker port bound (the configured one, or the one chosen for a configured 0). */
    int port() {
        return server.port();
    }

    /** Null once ready (see {@link BrokerLifecycle#notReadyReason()}); otherwise why not. */
    String notReadyReason() {
        return lifecycle.notReadyReason();
    }

    /** Stops the log cleaner, the broker port, the RPC pool and the controller channel, in that order. */
    @Override
    public void close() {
        resources.close();
    }
}
