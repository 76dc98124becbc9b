package dev.sluice.broker.server;

import dev.sluice.broker.metrics.ClusterOverview;
import dev.sluice.broker.metrics.HttpEndpoints;
import dev.sluice.broker.metrics.MeterRefresh;
import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.broker.metrics.OverviewPage;
import dev.sluice.broker.rpc.MalformedRequests;
import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.security.GrpcTls;
import dev.sluice.storage.DurableFiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code sluice server} process: composes the shared parts with the controller role ({@link ControllerRole}),
 * the broker role ({@link BrokerStorage}, {@link BrokerReplication}, {@link BrokerRole}), or both. A controller is a
 * Raft voter and serves Raft and the internal {@code Controller} service on the controller port; a broker-only node
 * is a Raft observer (it fetches the metadata log but never votes) and reaches the active controller over gRPC, as
 * every broker does. The node owns every thread and resource it starts and releases them in reverse order on
 * {@link #close()}.
 *
 * <p>Start order, each step only for the roles the node has:
 * <ol>
 *   <li>the data directory lock, the node's identity ({@code meta.properties}), the metrics registry;</li>
 *   <li>broker: the partition store and its syncer ({@link BrokerStorage});</li>
 *   <li>the scheduler, after the store so that its tasks stop before the store closes;</li>
 *   <li>the Raft node is built ({@link MetadataQuorum}: its log opens, nothing runs yet);</li>
 *   <li>broker: the replicas and the broker's metadata publishers ({@link BrokerReplication});</li>
 *   <li>controller: the controller service and the controller port ({@link ControllerRole});</li>
 *   <li>the Raft node starts, replaying the committed metadata log into the loader;</li>
 *   <li>broker: the controller channel, the broker port and the background tasks ({@link BrokerRole});</li>
 *   <li>the HTTP endpoints ({@code /metrics}, {@code /healthz}, {@code /readyz}, and the overview page at
 *       {@code /}, whose {@link OverviewProbe} asks the brokers for groups and offsets);</li>
 *   <li>broker: registration with the controller, last, once every port is bound, since it gets the broker
 *       partitions and clients.</li>
 * </ol>
 * Stopping runs these steps backwards: the registration ends first (coordinator lease revoked, then the controlled
 * shutdown moves leaderships away), and the Raft node stops in the place of step 7, after everything that serves
 * from its image and before everything its commits feed. (It is built as early as step 4 only so that the roles can
 * take it in their constructors; building it opens its log and starts nothing. A start that fails in steps 5 or 6
 * closes it at once.)
 *
 * <p>The broker side (replication, partition logs, client requests, registration) sees no metadata until the loader
 * has replayed the log to the quorum's high watermark as learned after this start: acting on each intermediate image
 * of a replay would lead and follow partitions at leader epochs long gone (and follow deposed leaders that truncate
 * this replica's acknowledged records). Until then its image is {@link MetadataImage#EMPTY} and it does not register.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final ResourceStack resources;
    private final MetadataQuorum quorum;
    /** Null on a broker-only node. */
    private final ControllerRole controller;
    /** Null on a controller-only node. */
    private final BrokerRole broker;
    private final HttpEndpoints http;

    private Node(NodeConfig config, ResourceStack resources, MetadataQuorum quorum, ControllerRole controller,
                 BrokerRole broker, HttpEndpoints http) {
        this.config = config;
        this.resources = resources;
        this.quorum = quorum;
        this.controller = controller;
        this.broker = broker;
        this.http = http;
    }

    /**
     * Starts a node whose faults (a broken invariant, a failed storage write) halt the process; on failure to start,
     * everything already started is stopped again before the exception propagates.
     */
    public static Node start(NodeConfig config) throws IOException {
        return start(config, List.of());
    }

    /**
     * {@link #start(NodeConfig)} whose brokers also serve {@code protocols} (the Kafka listener, which {@code sluice
     * server} passes in; see {@link BrokerProtocol}).
     */
    public static Node start(NodeConfig config, List<BrokerProtocol> protocols) throws IOException {
        return start(config, new HaltingFaultHandler(config.nodeId()), protocols);
    }

    /** {@link #start(NodeConfig)} with another fault handler, for tests that record faults instead of halting. */
    public static Node start(NodeConfig config, FaultHandler faultHandler) throws IOException {
        return start(config, faultHandler, List.of());
    }

    /** {@link #start(NodeConfig, List)} with another fault handler. */
    public static Node start(NodeConfig config, FaultHandler faultHandler, List<BrokerProtocol> protocols)
            throws IOException {
        ResourceStack resources = new ResourceStack(config.nodeId());
        try {
            return startAll(config, faultHandler, protocols, resources);
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** Runs the start order of the class comment, pushing what it starts onto {@code resources}. */
    private static Node startAll(NodeConfig config, FaultHandler faultHandler, List<BrokerProtocol> protocols,
                                 ResourceStack resources) throws IOException {
        DurableFiles.createDirectories(config.dataDir());
        resources.push(DataDirLock.acquire(config.dataDir()));
        ClusterIdentity cluster = ClusterIdentity.loadOrCreate(config.dataDir(), config.nodeId(), config.clusterId(),
                config.adoptDataDir(), UUID::randomUUID);
        NodeIdentity identity = identity(config, cluster);
        PrometheusMeterRegistry registry = NodeMetrics.createRegistry(config.nodeId());
        resources.push(registry::close);
        DiskMeters.bind(registry, config.dataDir());
        MeterRefresh meterRefresh = new MeterRefresh();
        BrokerStorage storage = config.isBroker()
                ? resources.push(BrokerStorage.open(config, faultHandler, registry)) : null;
        ScheduledExecutorService scheduler = startScheduler(resources);
        Clock clock = Clock.systemUTC();
        NodeContext context = new NodeContext(config, faultHandler, clock, cluster.clusterId(), identity,
                registry, scheduler, new MalformedRequests(System::nanoTime), meterRefresh,
                GrpcTls.channelSecurity(config.tls().client(), clock),
                GrpcTls.channelSecurity(config.tls().controller(), clock));
        MetadataQuorum quorum = new MetadataQuorum(config, identity, faultHandler, new QuorumMeters(registry),
                context.controllerChannels());
        BrokerReplication replication;
        ControllerRole controller;
        try {
            replication = storage == null ? null : resources.push(new BrokerReplication(context, storage, quorum));
            controller = config.isController() ? resources.push(ControllerRole.start(context, quorum)) : null;
        } catch (IOException | RuntimeException e) {
            quorum.close();  // its Raft log is open; its place among the resources comes only below
            throw e;
        }
        resources.push(quorum);
        quorum.start(scheduler);
        BrokerRole broker = replication == null ? null : resources.push(BrokerRole.start(context, storage,
                replication, quorum, controllerAddresses(config, controller), protocols));
        OverviewProbe overviewProbe = resources.push(new OverviewProbe(quorum::image, context.clock(),
                context.brokerChannels()));
        HttpEndpoints http = resources.push(startHttp(config, registry, meterRefresh,
                () -> notReadyReason(quorum, broker)));
        OverviewPage.serve(http, () -> overviewInputs(context, quorum, overviewProbe));
        if (broker != null) {
            resources.push(broker.startRegistration());
        }
        log.info("Node {} started with roles {} (cluster {}, quorum {})", config.nodeId(), config.roles(),
                cluster.clusterId(), config.controllerQuorum().keySet());
        return new Node(config, resources, quorum, controller, broker, http);
    }

    /** This process's identity: the directory id is the data directory's, kept across restarts; the incarnation new. */
    private static NodeIdentity identity(NodeConfig config, ClusterIdentity cluster) {
        NodeIdentity identity = new NodeIdentity(cluster.clusterId(), cluster.directoryId().toString(),
                UUID.randomUUID().toString());
        log.info("Node {}: cluster {}, data directory {} (id {}), incarnation {}", config.nodeId(),
                cluster.clusterId(), config.dataDir().toAbsolutePath().normalize(), identity.directoryId(),
                identity.incarnationId());
        return identity;
    }

    /** The shared scheduler ({@link #newScheduler}), stopped within 5 s. */
    private static ScheduledExecutorService startScheduler(ResourceStack resources) {
        ScheduledExecutorService scheduler = newScheduler();
        resources.push(() -> {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        });
        return scheduler;
    }

    /**
     * Two daemon threads that drop a cancelled task from their queue at once. Most of what they are given is the
     * deadline of a wait (a fetch's long poll, an {@code acks=all} produce's timeout) that ends early and cancels it:
     * several per record at low rates. Kept in the queue, each cancelled deadline woke a thread when it came due,
     * about half the scheduler's wake-ups on a 3-node {@code acks=all} probe (docs/performance.md).
     */
    static ScheduledThreadPoolExecutor newScheduler() {
        ScheduledThreadPoolExecutor scheduler =
                new ScheduledThreadPoolExecutor(2, new DaemonThreads("sluice-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /** The voters' controller ports; this node's own entry is the port it bound (it may be configured as 0). */
    private static Map<Integer, InetSocketAddress> controllerAddresses(NodeConfig config, ControllerRole controller) {
        Map<Integer, InetSocketAddress> addresses = new HashMap<>(config.controllerQuorum());
        if (controller != null) {
            addresses.put(config.nodeId(), InetSocketAddress.createUnresolved(config.host(), controller.port()));
        }
        return addresses;
    }

    private static HttpEndpoints startHttp(NodeConfig config, PrometheusMeterRegistry registry,
                                           MeterRefresh meterRefresh, HttpEndpoints.Readiness readiness)
            throws IOException {
        try {
            return new HttpEndpoints(new InetSocketAddress(config.bindHost(), config.httpPort()), registry,
                    meterRefresh, readiness);
        } catch (BindException e) {
            throw config.cannotListen(NodeConfig.HTTP_PORT, config.httpPort());
        }
    }

    /** What the overview page ({@code /} and {@code /api/overview}) shows, as of now. */
    private static ClusterOverview.Inputs overviewInputs(NodeContext context, MetadataQuorum quorum,
                                                         OverviewProbe probe) {
        OverviewProbe.Samples samples = probe.samples();
        return new ClusterOverview.Inputs(context.clock().millis(), context.clusterId(), context.config().nodeId(),
                context.config().controllerQuorum().keySet(), quorum.image(), quorum.status(), samples.previous(),
                samples.latest());
    }

    /** Null when the node can serve every role it has; otherwise the first reason it cannot yet. */
    private static String notReadyReason(MetadataQuorum quorum, BrokerRole broker) {
        String quorumReason = quorum.notReadyReason();
        if (quorumReason != null || broker == null) {
            return quorumReason;
        }
        return broker.notReadyReason();
    }

    /** Waits until the node is ready (see {@code /readyz}); returns false on timeout. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (notReadyReason(quorum, broker) != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** {@code host:port} of the broker API, or null on a controller-only node. */
    public String bootstrapServers() {
        return broker == null ? null : config.host() + ":" + broker.port();
    }

    public int brokerPort() {
        return broker == null ? -1 : broker.port();
    }

    public int controllerPort() {
        return controller == null ? -1 : controller.port();
    }

    public int httpPort() {
        return http.port();
    }

    public MetadataImage metadataImage() {
        return quorum.image();
    }

    /**
     * Test hook: stops applying committed metadata on this node (the Raft log still replicates) until the returned
     * handle is closed, so a test can hold one broker's image behind the quorum.
     */
    AutoCloseable holdMetadataForTest() {
        return quorum.holdMetadataForTest();
    }

    /** The Raft node's view of the quorum, for tests. */
    QuorumStatus quorumStatusForTest() {
        return quorum.status();
    }

    /**
     * Stops the node: a registered broker first moves its leaderships to other replicas (controlled shutdown,
     * bounded by {@code controlled.shutdown.timeout.ms}), then every resource stops in reverse start order.
     * Later calls do nothing.
     */
    @Override
    public synchronized void close() {
        resources.close();
    }
}
