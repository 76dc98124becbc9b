package dev.sluice.broker.server;

import dev.sluice.security.ChannelSecurity;
import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataLoader;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.raft.io.RaftListener;
import dev.sluice.raft.io.RaftNode;
import dev.sluice.raft.io.RaftNodeConfig;
import io.grpc.BindableService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's member of the metadata quorum, shared by both roles: the {@link RaftNode} (a voter on a controller, an
 * observer on a broker-only node) with its log under {@code <data dir>/metadata}, and the {@link MetadataLoader} that
 * folds the committed log into images. The controller role proposes through {@link #append} and hears of leader
 * changes; the broker role reads {@link #brokerImage()}.
 *
 * <p>Lifecycle: construct (opens the Raft log, starts nothing), register publishers with {@link #loader()} and
 * leader change listeners, {@link #start}, {@link #close()}. Everything that the replay of the log feeds must be
 * registered before {@link #start}, since the replay begins then.
 *
 * <p>Threads: the Raft node's listener thread applies commits and snapshots; any thread may read images and the
 * status. Raft timeouts are {@code controller.quorum.election.timeout.ms} and {@code
 * controller.quorum.fetch.timeout.ms}, in milliseconds.
 */
final class MetadataQuorum implements AutoCloseable {
    /** How often the end of the catch-up is looked for until it happened. */
    private static final long CATCH_UP_CHECK_INTERVAL_MS = 50;

    /** Told of each new Raft leader (the controller role becomes active or inactive). */
    @FunctionalInterface
    interface LeaderChangeListener {
        /** As {@link RaftListener#handleLeaderChange}: {@code leaderId} -1 when unknown. */
        void handleLeaderChange(int leaderId, int epoch, long epochStartOffset);
    }

    private final FaultHandler faultHandler;
    /** Publishes to the broker only once replayed to the quorum's high watermark learned since this start. */
    private final MetadataLoader loader;
    private final RaftNode raft;
    private final QuorumMeters meters;
    private final List<LeaderChangeListener> leaderChangeListeners = new CopyOnWriteArrayList<>();
    /** Test hook: while set, committed metadata is not applied on this node (see {@link #holdMetadataForTest}). */
    private volatile CountDownLatch metadataHold;
    private volatile boolean started;

    MetadataQuorum(NodeConfig config, NodeIdentity identity, FaultHandler faultHandler, QuorumMeters meters,
                   ChannelSecurity controllerChannels) {
        this.faultHandler = faultHandler;
        this.meters = meters;
        // The loader and the Raft node need each other: the node feeds the loader commits, and the loader asks the
        // node for the high watermark to catch up to. The loader asks only once commits flow, after start().
        this.loader = new MetadataLoader(this::quorumHighWatermark);
        this.raft = new RaftNode(new RaftNodeConfig(config.nodeId(), config.dataDir().resolve("metadata"),
                config.controllerQuorum(), config.quorumElectionTimeoutMs(), config.quorumFetchTimeoutMs(),
                config.metadataSnapshotIntervalEntries(), identity), new Listener(), faultHandler, controllerChannels);
        meters.bindStatus(raft::status, config.controllerQuorum().keySet(), config.isController());
    }

    /** Where publishers register; the broker's with {@link MetadataLoader#registerAfterCatchUp}. */
    MetadataLoader loader() {
        return loader;
    }

    /** Adds a listener for leader changes; only before {@link #start}, so it hears every change. */
    void addLeaderChangeListener(LeaderChangeListener listener) {
        if (started) {
            throw new IllegalStateException("leader change listeners must be added before the quorum starts");
        }
        leaderChangeListeners.add(listener);
    }

    /**
     * Starts taking part in the quorum (replaying the committed log into the loader), then checks for the end of the
     * catch-up on {@code scheduler} until it happened.
     */
    void start(ScheduledExecutorService scheduler) {
        started = true;
        raft.start();
        scheduleCatchUpCheck(scheduler);
    }

    /** Proposes an entry; see {@link RaftNode#append}. Times it until it commits, for the commit latency meter. */
    CompletableFuture<Long> append(byte[] payload) {
        long startNanos = System.nanoTime();
        CompletableFuture<Long> committed = raft.append(payload);
        committed.whenComplete((offset, failure) -> {
            if (failure == null) {
                meters.recordCommit(System.nanoTime() - startNanos);
            }
        });
        return committed;
    }

    /** The gRPC {@code Raft} service, for the controller port. */
    BindableService raftService() {
        return raft.service();
    }

    QuorumStatus status() {
        return raft.status();
    }

    /** The Raft leader this node knows of, -1 when none. */
    int leaderId() {
        return raft.status().leaderId();
    }

    /** The image as of the last committed entry applied. */
    MetadataImage image() {
        return loader.image();
    }

    boolean caughtUp() {
        return loader.caughtUp();
    }

    /**
     * The image the broker side reads: {@link MetadataImage#EMPTY} until the loader caught up after this start, so
     * that no request is answered from a stale image replayed on the way.
     */
    MetadataImage brokerImage() {
        return loader.caughtUp() ? loader.image() : MetadataImage.EMPTY;
    }

    /** Null once a leader is known and the image caught up; otherwise the first reason why not. */
    String notReadyReason() {
        if (raft.status().leaderId() < 0) {
            return "no metadata quorum leader known";
        }
        if (!loader.caughtUp()) {
            return "metadata not caught up with the quorum's high watermark";
        }
        return null;
    }

    /**
     * Test hook: stops applying committed metadata on this node (the Raft log still replicates) until the returned
     * handle is closed, so a test can hold one broker's image behind the quorum.
     */
    AutoCloseable holdMetadataForTest() {
        CountDownLatch hold = new CountDownLatch(1);
        metadataHold = hold;
        return () -> {
            metadataHold = null;
            hold.countDown();
        };
    }

    /** Graceful: a leader resigns first. Idempotent. */
    @Override
    public void close() {
        raft.close();
    }

    /** The metadata quorum's high watermark as this node learned it since it started, -1 while unknown. */
    private long quorumHighWatermark() {
        RaftNode node = raft;
        return node == null ? -1 : node.status().quorumHighWatermark();
    }

    /**
     * Checks for the end of the metadata catch-up until it happened: the last commit of a replay may reach the loader
     * before the quorum status shows the high watermark that committed it, and no commit may follow.
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
        }, CATCH_UP_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void awaitMetadataHoldReleased() {
        CountDownLatch hold = metadataHold;
        if (hold == null) {
            return;
        }
        try {
            hold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The state machine of the Raft node: the loader, and the leader change listeners. */
    private final class Listener implements RaftListener {
        @Override
        public void handleCommit(long offset, int epoch, byte[] payload) {
            awaitMetadataHoldReleased();
            loader.handleCommit(offset, payload);
        }

        @Override
        public void handleLeaderChange(int leaderId, int epoch, long epochStartOffset) {
            for (LeaderChangeListener listener : leaderChangeListeners) {
                listener.handleLeaderChange(leaderId, epoch, epochStartOffset);
            }
        }

        @Override
        public byte[] createSnapshot() {
            byte[] snapshot = MetadataRecords.serialize(loader.image().toRecords());
            meters.snapshotWritten();
            return snapshot;
        }

        @Override
        public void handleSnapshot(long snapshotEndOffset, int epoch, byte[] snapshot) {
            // The image's offset is that of the last entry it covers.
            loader.handleSnapshot(snapshotEndOffset - 1, MetadataRecords.parse(snapshot));
            meters.snapshotLoaded();
        }
    }
}
