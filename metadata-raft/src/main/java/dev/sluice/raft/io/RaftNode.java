package dev.sluice.raft.io;

import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.raft.RaftConfig;
import dev.sluice.raft.Snapshot;
import dev.sluice.security.ChannelSecurity;
import io.grpc.BindableService;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * One member of the metadata quorum (voter, or observer when its id is not among the voters): a
 * {@link dev.sluice.raft.RaftCore} driven by one thread, with its log, snapshots and quorum state in RocksDB under
 * {@code dataDir} and gRPC to the voters. The listener is asked for a snapshot every
 * {@link RaftNodeConfig#snapshotIntervalEntries()} committed entries; the log below the previous snapshot is then
 * dropped, and a replica that falls behind the log start fetches the leader's snapshot.
 * Thread-safe. Lifecycle: construct, mount {@link #service()} on the controller-port server, {@link #start()},
 * {@link #close()}.
 */
public final class RaftNode implements AutoCloseable {
    /** How many fetch timeouts of refusals of this node's id by one peer stop the process (see PeerRefusals). */
    private static final int DUPLICATE_REFUSAL_LIMIT_FETCH_TIMEOUTS = 3;

    private final RaftNodeConfig config;
    private final LogStorage storage;
    private final Transport transport;
    private final CommitDispatcher dispatcher;
    private final RaftDriver driver;
    private final RaftGrpcService service;
    private boolean started;
    private boolean closed;

    /** A node whose driver, when it fails (e.g. a Raft log write on a full disk), only logs and stops. */
    public RaftNode(RaftNodeConfig config, RaftListener listener) {
        this(config, listener, RaftDriver.LOG_ONLY);
    }

    /**
     * @param faultHandler told when the driver or the listener thread fails (a Raft log or snapshot write, a
     *     listener exception); the node's stops the process, as a member that cannot persist must not vote on
     */
    public RaftNode(RaftNodeConfig config, RaftListener listener, FaultHandler faultHandler) {
        this(config, listener, faultHandler, ChannelSecurity.PLAINTEXT);
    }

    /** As above, reaching the other voters over channels secured by {@code security} (TLS when the cluster has it). */
    public RaftNode(RaftNodeConfig config, RaftListener listener, FaultHandler faultHandler, ChannelSecurity security) {
        this(config, listener, Clock.systemUTC(), new SecureRandom(), null, faultHandler, security);
    }

    /** For tests: inject the clock, the random source and (when not null) the transport. */
    RaftNode(RaftNodeConfig config, RaftListener listener, Clock clock, RandomGenerator random, Transport transport) {
        this(config, listener, clock, random, transport, RaftDriver.LOG_ONLY, ChannelSecurity.PLAINTEXT);
    }

    private RaftNode(RaftNodeConfig config, RaftListener listener, Clock clock, RandomGenerator random,
                     Transport transport, FaultHandler faultHandler, ChannelSecurity security) {
        this.config = Objects.requireNonNull(config, "config");
        RaftConfig raftConfig = RaftConfig.of(config.nodeId(), config.voters().keySet(), config.electionTimeoutMs(),
            config.fetchTimeoutMs()).withSnapshotIntervalEntries(config.snapshotIntervalEntries());
        NodeIdentity identity = config.identity();
        this.storage = new RocksDbLogStorage(config.dataDir().resolve("raft-log"));
        // A live voter fetches within every fetch timeout; a peer still refusing this node's id after a few of those
        // is answering for another live process with the same id.
        PeerRefusals refusals = new PeerRefusals(config.nodeId(), identity.clusterId(),
            DUPLICATE_REFUSAL_LIMIT_FETCH_TIMEOUTS * config.fetchTimeoutMs(), clock, faultHandler);
        RaftIdentityGuard guard = new RaftIdentityGuard(config.nodeId(), identity.clusterId(), identity.directoryId(),
            config.voters().keySet(), config.fetchTimeoutMs(), clock);
        this.transport = transport != null ? transport
            : new GrpcTransport(config.voters(), raftConfig.requestTimeoutMs(), identity.toProto(), refusals, guard,
                security);
        this.dispatcher = new CommitDispatcher(config.nodeId(), Objects.requireNonNull(listener, "listener"),
            this::handleSnapshotCreated, faultHandler);
        this.driver = new RaftDriver(raftConfig, clock, random, this.transport, storage, dispatcher, faultHandler);
        this.service = new RaftGrpcService(driver, guard, identity.toProto());
    }

    /** Recovers the log and quorum state and starts taking part; a sole voter elects itself at once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        driver.start();
    }

    /**
     * Completes with the entry's offset once committed; fails with dev.sluice.raft.NotLeaderException(int
     * leaderIdHint, int epoch) when not the leader.
     */
    public CompletableFuture<Long> append(byte[] payload) {
        return driver.append(payload.clone());
    }

    /** Called on the listener thread with the state machine's new snapshot; the driver stores it. */
    private void handleSnapshotCreated(Snapshot snapshot) {
        driver.submitSnapshot(snapshot);
    }

    /** The gRPC {@code Raft} service, to mount on the controller-port server. */
    public BindableService service() {
        return service;
    }

    public QuorumStatus status() {
        return driver.status();
    }

    /** Graceful: a leader sends EndQuorumEpoch first. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            driver.close(Math.min(1000, config.fetchTimeoutMs()));
        }
        transport.close();
        dispatcher.close();
        storage.close();
    }
}
