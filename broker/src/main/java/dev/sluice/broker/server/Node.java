package dev.sluice.broker.server;

import dev.sluice.broker.group.CoordinatorHandoffs;
import dev.sluice.broker.group.CoordinatorLease;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.log.LogCleaner;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.LogSyncer;
import dev.sluice.broker.log.RetentionTask;
import dev.sluice.broker.log.StoreIntegrity;
import dev.sluice.broker.log.WriteSink;
import dev.sluice.broker.metrics.HttpEndpoints;
import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.partition.ProducerIdHandler;
import dev.sluice.broker.replication.AlterPartitionResult;
import dev.sluice.broker.replication.PartitionReplicas;
import dev.sluice.broker.replication.ReplicationChannels;
import dev.sluice.broker.replication.ReplicationConfig;
import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.broker.rpc.AppliedOffsetWaiters;
import dev.sluice.broker.rpc.BrokerGrpcService;
import dev.sluice.broker.rpc.ConnectionOrderedCalls;
import dev.sluice.broker.rpc.GroupGrpcService;
import dev.sluice.broker.rpc.GrpcControllerChannel;
import dev.sluice.broker.rpc.MalformedRequests;
import dev.sluice.broker.rpc.RpcMetricsInterceptor;
import dev.sluice.broker.rpc.TrafficMetrics;
import dev.sluice.controller.ControllerConfig;
import dev.sluice.controller.ControllerService;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.controller.ThreadEventQueue;
import dev.sluice.controller.io.ControllerGrpcService;
import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataLoader;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.raft.io.RaftListener;
import dev.sluice.raft.io.RaftNode;
import dev.sluice.raft.io.RaftNodeConfig;
import dev.sluice.storage.DurableFiles;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code sluice server} process: the metadata quorum member (controller role) and/or the broker, wired together.
 * A controller is a Raft voter and serves Raft and the internal {@code Controller} service on the controller port; a
 * broker-only node is a Raft observer (it fetches the metadata log but never votes) and reaches the active controller
 * over gRPC, as every broker does.
 * It owns every thread and resource it starts and releases them in reverse order on {@link #close()}.
 *
 * <p>Start order: identity, metrics, partition logs, metadata loader and controller, Raft (which replays the committed
 * metadata log into the loader), gRPC servers, HTTP, then broker registration with the controller.
 *
 * <p>The broker side (replication, partition logs, client requests, registration) sees no metadata until the loader
 * has replayed the log to the quorum's high watermark as learned after this start: acting on each intermediate image
 * of a replay would lead and follow partitions at leader epochs long gone (and follow deposed leaders that truncate
 * this replica's acknowledged records). Until then its image is {@link MetadataImage#EMPTY} and it does not register.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** Producer ids the broker asks the controller for at once (Kafka: 1000). */
    private static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final NodeConfig config;
    private final FaultHandler faultHandler;
    private final Clock clock = Clock.systemUTC();
    /** The offset this broker's image has applied, for the admin read barrier. */
    private final AppliedOffsetWaiters appliedOffsets = new AppliedOffsetWaiters(clock::millis, -1);
    /** Answers requests that do not parse, on both ports, with INVALID_ARGUMENT (not UNKNOWN and a stack trace). */
    private final MalformedRequests malformedRequests = new MalformedRequests(System::nanoTime);
    /** Test hook: while set, committed metadata is not applied on this node (see {@link #holdMetadataForTest}). */
    private volatile java.util.concurrent.CountDownLatch metadataHold;
    private PartitionReplicas replicas;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    /** Publishes to the broker only once replayed to the quorum's high watermark learned since this start. */
    private final MetadataLoader loader =
            new MetadataLoader(this::quorumHighWatermark);
    private PrometheusMeterRegistry registry;
    private ClusterIdentity identity;
    private NodeIdentity nodeIdentity;
    private RaftNode raft;
    private ControllerService controller;
    private LogStore logStore;
    private LogSyncer logSyncer;
    private GrpcControllerChannel controllerChannel;
    private BrokerLifecycle lifecycle;
    private CoordinatorLease coordinatorLease;
    private CoordinatorHandoffs coordinatorHandoffs;
    private Server brokerServer;
    private Server controllerServer;
    private HttpEndpoints http;

    private Node(NodeConfig config, FaultHandler faultHandler) {
        this.config = config;
        this.faultHandler = faultHandler;
    }

    /**
     * Test hook: stops applying committed metadata on this node (the Raft log still replicates) until the returned
     * handle is closed, so a test can hold one broker's image behind the quorum.
     */
    AutoCloseable holdMetadataForTest() {
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        metadataHold = hold;
        return () -> {
            metadataHold = null;
            hold.countDown();
        };
    }

    /** The Raft node's view of the quorum, for tests. */
    dev.sluice.raft.io.QuorumStatus quorumStatusForTest() {
        return raft.status();
    }

    private void awaitMetadataHoldReleased() {
        java.util.concurrent.CountDownLatch hold = metadataHold;
        if (hold == null) {
            return;
        }
        try {
            hold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts a node whose faults (a broken invariant, a failed storage write) halt the process; on failure to start,
     * everything already started is stopped again before the exception propagates.
     */
    public static Node start(NodeConfig config) throws IOException {
        return start(config, new HaltingFaultHandler(config.nodeId()));
    }

    /** {@link #start(NodeConfig)} with another fault handler, for tests that record faults instead of halting. */
    public static Node start(NodeConfig config, FaultHandler faultHandler) throws IOException {
        Node node = new Node(config, faultHandler);
        try {
            node.startAll();
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        DurableFiles.createDirectories(config.dataDir());
        resources.push(DataDirLock.acquire(config.dataDir()));
        identity = ClusterIdentity.loadOrCreate(config.dataDir(), config.nodeId(), config.clusterId(),
                config.adoptDataDir(), UUID::randomUUID);
        // The incarnation is new at every start; the directory id is the data directory's, kept across restarts.
        nodeIdentity = new NodeIdentity(identity.clusterId(), identity.directoryId().toString(),
                UUID.randomUUID().toString());
        log.info("Node {}: cluster {}, data directory {} (id {}), incarnation {}", config.nodeId(),
                identity.clusterId(), config.dataDir().toAbsolutePath().normalize(), nodeIdentity.directoryId(),
                nodeIdentity.incarnationId());
        registry = NodeMetrics.createRegistry(config.nodeId());
        resources.push(registry::close);
        if (config.isBroker()) {
            logStore = LogStore.open(config.dataDir().resolve("log"), faultHandler, WriteSink.ROCKSDB,
                    StoreIntegrity.VerifyOnOpen.valueOf(config.logVerifyOnOpen().toUpperCase(java.util.Locale.ROOT)
                            .replace('-', '_')));
            resources.push(logStore);
            RocksDbMeters.bind(registry, logStore);
            // Closed before the store: it answers what is queued, then stops.
            logSyncer = new LogSyncer(logStore, "sluice-log-syncer-" + config.nodeId(), System::nanoTime);
            logSyncer.start();
            resources.push(logSyncer);
            RocksDbMeters.bindSyncer(registry, logSyncer);
        }
        // Created after the log store so that it is stopped (and its tasks with it) before the store closes.
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("sluice-scheduler"));
        resources.push(() -> {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        });
        if (config.isBroker()) {
            replicas = new PartitionReplicas(config.nodeId(), () -> lifecycle == null ? -1 : lifecycle.brokerEpoch(),
                    logStore, logSyncer, this::sendIsrChange, ReplicationChannels.PLAINTEXT, clock, scheduler,
                    ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(config.replicaLagTimeMaxMs()), nodeIdentity,
                    faultHandler);
            resources.push(replicas);
        }
        if (config.isController()) {
            ControllerConfig controllerConfig = ControllerConfig.DEFAULT
                    .withDefaults(config.defaultPartitions(), config.defaultReplicationFactor())
                    .withSessionTimeoutMs(config.brokerSessionTimeoutMs())
                    .withAutoLeaderRebalanceEnable(config.autoLeaderRebalanceEnable())
                    .withTopicConfigDefaults(config.defaultDurableAcks()
                            ? java.util.Map.of(dev.sluice.metadata.TopicConfigs.DURABLE_ACKS, "true")
                            : java.util.Map.of());
            controller = new ControllerService(config.nodeId(), controllerConfig, bytes -> raft.append(bytes), clock,
                    new SplittableRandom(), new ThreadEventQueue("sluice-controller-" + config.nodeId(), faultHandler));
            loader.register(controller);
            resources.push(controller);
        }
        TrafficMetrics traffic = new TrafficMetrics(registry);
        if (config.isBroker()) {
            coordinatorHandoffs = new CoordinatorHandoffs(config.nodeId(), System::nanoTime, coordinatorLeaseMs());
            loader.registerAfterCatchUp(new BrokerMetadataPublisher(config.nodeId(), logStore, registry, traffic,
                    replicas, coordinatorHandoffs));
            loader.registerAfterCatchUp((delta, newImage) -> appliedOffsets.handleApplied(newImage.offset()));
        }
        startRaft();
        scheduleCatchUpCheck(scheduler);
        if (config.isBroker()) {
            // Combined nodes too: a node that does not lead the quorum must forward to the one that does.
            controllerChannel = new GrpcControllerChannel(controllerAddresses(), () -> raft.status().leaderId(),
                    scheduler, nodeIdentity);
            resources.push(controllerChannel);
            startBroker(scheduler, traffic);
        }
        try {
            http = new HttpEndpoints(new InetSocketAddress(config.host(), config.httpPort()), registry,
                    this::notReadyReason);
        } catch (java.net.BindException e) {
            throw portInUse(NodeConfig.HTTP_PORT, config.httpPort());
        }
        resources.push(http);
        if (config.isBroker()) {
            lifecycle = new BrokerLifecycle(config, controllerChannel, this::brokerImage, loader::caughtUp,
                    brokerServer.getPort(), scheduler, new CaughtUpLeaseRenewal(coordinatorLease,
                            controllerChannel::readBarrier, appliedOffsets::await, coordinatorLeaseMs()),
                    faultHandler, System::nanoTime,
                    this::leaderlessLogEnds);
            resources.push(lifecycle);
            lifecycle.start();
        }
        log.info("Node {} started with roles {} (cluster {}, quorum {})", config.nodeId(), config.roles(),
                identity.clusterId(), config.controllerQuorum().keySet());
    }

    /**
     * Where this broker's replicas of leaderless partitions end, for the controller's election after a full outage.
     * None from a store rebuilt empty after damage: its replicas are no candidates, whatever the ISR said.
     */
    private List<ReplicaLogEnd> leaderlessLogEnds() {
        return logStore.rebuiltAfterDamage() ? List.of()
                : LeaderlessLogEnds.of(brokerImage(), config.nodeId(), logStore::findPartition);
    }

    /** Three quarters of the session timeout: the lease ends before the controller may fence this broker. */
    private long coordinatorLeaseMs() {
        return config.brokerSessionTimeoutMs() * 3 / 4;
    }

    /** The metadata quorum's high watermark as this node learned it since it started, -1 while unknown. */
    private long quorumHighWatermark() {
        RaftNode node = raft;
        return node == null ? -1 : node.status().quorumHighWatermark();
    }

    /**
     * The image the broker side reads: {@link MetadataImage#EMPTY} until the loader caught up after this start, so
     * that no request is answered from a stale image replayed on the way.
     */
    private MetadataImage brokerImage() {
        return loader.caughtUp() ? loader.image() : MetadataImage.EMPTY;
    }

    /**
     * Checks for the end of the metadata catch-up every 50 ms until it happened: the last commit of a replay may reach
     * the loader before the quorum status shows the high watermark that committed it, and no commit may follow.
     */
    private void scheduleCatchUpCheck(ScheduledExecutorService scheduler) {
        scheduler.schedule(() -> {
            try {
                if (!loader.maybeFinishCatchUp()) {
                    scheduleCatchUpCheck(scheduler);
                }
            } catch (RuntimeException e) {
                faultHandler.handleFault("publishing the caught-up metadata image failed", e);
            }
        }, 50, TimeUnit.MILLISECONDS);
    }

    /** The voters' controller ports; this node's own entry is the port it bound (it may be configured as 0). */
    private Map<Integer, InetSocketAddress> controllerAddresses() {
        Map<Integer, InetSocketAddress> addresses = new HashMap<>(config.controllerQuorum());
        if (controllerServer != null) {
            addresses.put(config.nodeId(), InetSocketAddress.createUnresolved(config.host(),
                    controllerServer.getPort()));
        }
        return addresses;
    }

    private void startRaft() throws IOException {
        RaftListener listener = new RaftListener() {
            @Override
            public void handleCommit(long offset, int epoch, byte[] payload) {
                awaitMetadataHoldReleased();
                loader.handleCommit(offset, payload);
            }

            @Override
            public void handleLeaderChange(int leaderId, int epoch, long epochStartOffset) {
                if (controller != null) {
                    controller.handleLeaderChange(leaderId, epoch, epochStartOffset);
                }
            }

            @Override
            public byte[] createSnapshot() {
                return dev.sluice.metadata.MetadataRecords.serialize(loader.image().toRecords());
            }

            @Override
            public void handleSnapshot(long snapshotEndOffset, int epoch, byte[] snapshot) {
                // The image's offset is that of the last entry it covers.
                loader.handleSnapshot(snapshotEndOffset - 1, dev.sluice.metadata.MetadataRecords.parse(snapshot));
            }
        };
        raft = new RaftNode(new RaftNodeConfig(config.nodeId(), config.dataDir().resolve("metadata"),
                config.controllerQuorum(), config.quorumElectionTimeoutMs(), config.quorumFetchTimeoutMs(),
                config.metadataSnapshotIntervalEntries(), nodeIdentity),
                listener, faultHandler);
        if (config.isController()) {
            controllerServer = bind(NettyServerBuilder
                    .forAddress(new InetSocketAddress(config.host(), config.controllerPort()))
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .addService(malformedRequests.guard(raft.service()))
                    .addService(malformedRequests.guard(
                            new ControllerGrpcService(controller, () -> raft.status().leaderId(),
                                    new ClusterIdCheck(config.nodeId(), identity.clusterId()))))
                    .build(), NodeConfig.CONTROLLER_PORT, config.controllerPort());
            resources.push(() -> shutdown(controllerServer));
        }
        resources.push(raft);
        raft.start();
    }

    private void startBroker(ScheduledExecutorService scheduler, TrafficMetrics traffic) throws IOException {
        MetadataPartitionResolver resolver =
                new MetadataPartitionResolver(config.nodeId(), this::brokerImage, logStore);
        coordinatorLease = new CoordinatorLease(System::nanoTime, coordinatorLeaseMs());
        BrokerGrpcService brokerService = new BrokerGrpcService(new ProduceHandler(resolver,
                new ReplicationHighWatermarkPolicy(replicas),
                topic -> brokerImage().configs().effective(topic).minInsyncReplicas(), clock),
                new FetchHandler(resolver, scheduler, coordinatorLease::isValid), new ListOffsetsHandler(resolver),
                new MetadataResponder(identity.clusterId(), this::brokerImage, () -> raft.status().leaderId()), traffic,
                new ProducerIdHandler(config.nodeId(), PRODUCER_ID_BLOCK_SIZE,
                        controllerChannel::allocateProducerIds));
        GroupCoordinator coordinator =
                new GroupCoordinator(resolver, new ReplicationHighWatermarkPolicy(replicas), clock);
        coordinator.useLease(coordinatorLease);
        coordinator.useHandoffs(coordinatorHandoffs);
        AdminGrpcService adminService = new AdminGrpcService(controllerChannel, this::brokerImage,
                logStore, identity.clusterId(), () -> QuorumInfos.of(raft.status()), appliedOffsets);
        scheduler.scheduleWithFixedDelay(appliedOffsets::expireOverdue, 100, 100, TimeUnit.MILLISECONDS);
        RpcMetricsInterceptor interceptor = new RpcMetricsInterceptor(registry);
        // Calls run on this pool; each connection's Produce calls one at a time, in arrival order, so that an
        // idempotent producer's pipelined batches reach the log in sequence.
        ExecutorService rpcPool = Executors.newCachedThreadPool(daemon("sluice-broker-rpc"));
        resources.push(rpcPool::shutdownNow);
        ConnectionOrderedCalls ordering = new ConnectionOrderedCalls(rpcPool, Set.of(BrokerGrpc.getProduceMethod()));
        brokerServer = bind(ordering.install(NettyServerBuilder.forAddress(
                        new InetSocketAddress(config.host(), config.brokerPort())))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(malformedRequests.guard(brokerService.definition()),
                        interceptor))
                .addService(ServerInterceptors.intercept(malformedRequests.guard(adminService), interceptor))
                .addService(ServerInterceptors.intercept(malformedRequests.guard(
                        new GroupGrpcService(coordinator, this::brokerImage)), interceptor))
                .addService(ServerInterceptors.intercept(malformedRequests.guard(replicas.replicaFetchService()),
                        interceptor))
                .build(), NodeConfig.BROKER_PORT, config.brokerPort());
        resources.push(() -> shutdown(brokerServer));
        replicas.start();
        RetentionTask retention =
                new RetentionTask(logStore, key -> LogConfigs.forPartition(brokerImage(), key), clock);
        scheduler.scheduleWithFixedDelay(guarded("retention", retention), config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        // The cleaner has its own thread so a long compaction pass never delays retention or fetch long-polls.
        ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(daemon("sluice-log-cleaner"));
        resources.push(cleaner::shutdownNow);
        cleaner.scheduleWithFixedDelay(guarded("log cleaner", new LogCleaner(logStore,
                key -> LogConfigs.forPartition(brokerImage(), key), clock)), config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        // flush.ms: unsynced data older than a topic's flush.ms is synced by this pass.
        scheduler.scheduleWithFixedDelay(guarded("flush.ms pass", () -> logSyncer.syncOverdue(clock.millis())),
                config.logFlushSchedulerIntervalMs(), config.logFlushSchedulerIntervalMs(), TimeUnit.MILLISECONDS);
        // The high watermark is kept in memory and saved with writes; this bounds how far it can lag after a crash.
        scheduler.scheduleWithFixedDelay(guarded("high-watermark checkpoint", logStore::checkpointHighWatermarks),
                5, 5, TimeUnit.SECONDS);
    }

    /** A partition leader's ISR change, sent to the active controller; answered once committed or refused. */
    private CompletableFuture<AlterPartitionResult> sendIsrChange(UUID topicId, int partition, int leaderId,
                                                                  int leaderEpoch, int partitionEpoch,
                                                                  List<Integer> newIsr) {
        return controllerChannel.alterPartition(topicId, partition, leaderId, leaderEpoch, partitionEpoch, newIsr)
                .thenApply(reply -> new AlterPartitionResult(reply.error(), reply.errorMessage(), reply.partition()));
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

    /** Null when the node can serve every role it has; otherwise the first reason it cannot yet. */
    private String notReadyReason() {
        if (raft == null || raft.status().leaderId() < 0) {
            return "no metadata quorum leader known";
        }
        if (!loader.caughtUp()) {
            return "metadata not caught up with the quorum's high watermark";
        }
        if (lifecycle != null) {
            return lifecycle.notReadyReason();
        }
        return null;
    }

    /** Waits until the node is ready (see {@code /readyz}); returns false on timeout. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (notReadyReason() != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** {@code host:port} of the broker API, or null on a controller-only node. */
    public String bootstrapServers() {
        return brokerServer == null ? null : config.host() + ":" + brokerServer.getPort();
    }

    public int brokerPort() {
        return brokerServer == null ? -1 : brokerServer.getPort();
    }

    public int controllerPort() {
        return controllerServer == null ? -1 : controllerServer.getPort();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public MetadataImage metadataImage() {
        return loader.image();
    }

    /**
     * Stops the node: a registered broker first moves its leaderships to other replicas (controlled shutdown,
     * bounded by {@code controlled.shutdown.timeout.ms}), then every resource stops in reverse start order.
     */
    @Override
    public synchronized void close() {
        if (coordinatorLease != null) {
            coordinatorLease.revoke();  // before leaderships move away: see CoordinatorHandoffs
        }
        if (lifecycle != null && config.controlledShutdownTimeoutMs() > 0) {
            lifecycle.controlledShutdown(config.controlledShutdownTimeoutMs());
        }
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Error while stopping node {}: {}", config.nodeId(), e.toString());
            }
        }
    }

    /** Starts a gRPC server, turning "address in use" into a message that names the setting to change. */
    private Server bind(Server server, String portKey, int port) throws IOException {
        try {
            return server.start();
        } catch (IOException e) {
            if (e.getCause() instanceof java.net.BindException || e instanceof java.net.BindException
                    || String.valueOf(e.getMessage()).contains("bind")
                    || String.valueOf(e.getCause()).contains("bind")) {
                throw portInUse(portKey, port);
            }
            throw e;
        }
    }

    private IllegalStateException portInUse(String portKey, int port) {
        return new IllegalStateException("cannot listen on " + config.host() + ":" + port + " (" + portKey
                + "): the address is in use or not available here");
    }

    private static void shutdown(Server server) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
