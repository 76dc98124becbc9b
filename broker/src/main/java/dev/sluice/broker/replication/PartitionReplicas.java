package dev.sluice.broker.replication;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionSyncer;
import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.ErrorCode;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas this broker hosts and their roles: the entry point the node wires. It turns metadata images into
 * become-leader / become-follower / stop-replica transitions, serves {@code ReplicaFetch} for led partitions
 * ({@link #replicaFetchService}), runs the followers' fetchers, moves high watermarks after local appends
 * ({@link #afterLocalAppend}, a {@code HighWatermarkPolicy}), checks ISR lag periodically, and backs the
 * {@code acks=all} path ({@link #checkAcksAll}, {@link #awaitAcksAll}).
 *
 * <p>Transitions, per partition hosted here (replicas contain this broker), on each image:
 * <pre>
 *   image says            | was leader at epoch E      | was follower / nothing
 *   leader = me, epoch E  | apply ISR/partition epoch  | become leader (stop fetching first)
 *   leader = me, epoch E' | become leader at E'        | become leader
 *   leader = other        | become follower (waiters   | follow (re-added when leader or epoch changed)
 *                         |   get NOT_LEADER)          |
 *   no leader             | stop leading, fetch nothing| stop fetching
 *   not a replica / gone  | stop replica               | stop replica
 *   leader epoch older    | ignored (logged)           | ignored (logged)
 * </pre>
 *
 * <p>Leader epochs only move forward: an image whose leader epoch for a partition is older than the one already
 * applied here, or than the latest epoch in the partition's own log (which survives restarts), is stale and ignored.
 * Acting on it would follow a deposed leader, whose divergence answer truncates records newer leaders wrote, or lead
 * at a dead epoch.
 *
 * <p>Threads: metadata transitions are serialized by this object's monitor (the metadata loader thread calls them);
 * {@link #afterLocalAppend}, the fetch service and the acks path run on request threads and read the concurrent
 * leader map without that monitor.
 */
public final class PartitionReplicas implements LeaderPartitions, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionReplicas.class);
    private static final long SLOW_COMMIT_LOG_INTERVAL_MS = 60_000;
    private static final long SLOW_COMMIT_MS = 500;

    private final String incarnationId;
    private final int localBrokerId;
    private final LogStore logStore;
    private final PartitionSyncer syncer;
    private final IsrChangeSender isrChanges;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ReplicationConfig config;
    private final ReplicaFetchers fetchers;
    private final AcksAllWaiter acksAllWaiter;
    private final ClusterIdCheck clusterIds;
    private final Map<PartitionKey, LeaderPartition> leaders = new ConcurrentHashMap<>();
    /** Guarded by this: the leader and epoch each followed partition fetches from. */
    private final Map<PartitionKey, FollowTarget> following = new HashMap<>();
    /** Guarded by this: the leader epoch of the last transition applied per hosted partition. */
    private final Map<PartitionKey, Integer> appliedLeaderEpochs = new HashMap<>();
    private ScheduledFuture<?> isrCheck;
    private final CommitStages.Sink stageSink;
    /** When the slowest commit was last logged (scheduler thread only). */
    private long slowCommitLoggedAtMs;

    private record FollowTarget(BrokerEndpoint leader, int leaderEpoch) { }

    /** For tests: a replica fetcher thread that dies of an {@link Error} is only logged. */
    public PartitionReplicas(int localBrokerId, LongSupplier brokerEpoch, LogStore logStore, PartitionSyncer syncer,
                             IsrChangeSender isrChanges, ReplicationChannels channels, Clock clock,
                             ScheduledExecutorService scheduler, ReplicationConfig config, NodeIdentity identity) {
        this(localBrokerId, brokerEpoch, logStore, syncer, isrChanges, channels, clock, scheduler, config, identity,
                (message, cause) -> log.error("Fault: {}", message, cause), ReplicaFetchListener.NONE);
    }

    /**
     * @param syncer brings appended data to disk where a topic's flush policy asks for it, for the leader's own
     *     appends and for what followers fetched
     * @param identity sent with this broker's replica fetches; the fetch service refuses followers of another cluster
     * @param faultHandler told when a replica fetcher thread dies of something it cannot handle
     * @param fetchListener told of each replica fetch's round trip, for the fetch latency meter
     */
    public PartitionReplicas(int localBrokerId, LongSupplier brokerEpoch, LogStore logStore, PartitionSyncer syncer,
                             IsrChangeSender isrChanges, ReplicationChannels channels, Clock clock,
                             ScheduledExecutorService scheduler, ReplicationConfig config, NodeIdentity identity,
                             FaultHandler faultHandler, ReplicaFetchListener fetchListener) {
        this(localBrokerId, brokerEpoch, logStore, syncer, isrChanges, channels, clock, scheduler, config, identity,
                faultHandler, fetchListener, CommitStages.Sink.NONE);
    }

    /** @param stageSink told how long each append of a led partition took to reach each replication stage */
    public PartitionReplicas(int localBrokerId, LongSupplier brokerEpoch, LogStore logStore, PartitionSyncer syncer,
                             IsrChangeSender isrChanges, ReplicationChannels channels, Clock clock,
                             ScheduledExecutorService scheduler, ReplicationConfig config, NodeIdentity identity,
                             FaultHandler faultHandler, ReplicaFetchListener fetchListener,
                             CommitStages.Sink stageSink) {
        this.stageSink = stageSink;
        this.localBrokerId = localBrokerId;
        this.incarnationId = identity.incarnationId();
        this.logStore = logStore;
        this.syncer = syncer;
        this.isrChanges = isrChanges;
        this.clock = clock;
        this.scheduler = scheduler;
        this.config = config;
        this.fetchers = new ReplicaFetchers(localBrokerId, brokerEpoch, channels, syncer, config, clock,
                identity.toProto(), faultHandler, fetchListener);
        this.acksAllWaiter = new AcksAllWaiter(scheduler);
        this.clusterIds = new ClusterIdCheck(localBrokerId, identity.clusterId());
    }

    /** Starts the periodic ISR lag check (every half {@code replica.lag.time.max.ms}, as Kafka). */
    public synchronized void start() {
        long periodMs = Math.max(1, config.replicaLagTimeMaxMs() / 2);
        isrCheck = scheduler.scheduleWithFixedDelay(this::maybeShrinkIsrs, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The gRPC service for a server that runs {@code ReplicaFetchStream}'s messages on the transport thread: a fetch
     * that reads stored batches moves to {@code storeReads}, and so does a waiting fetch's re-read when an append
     * wakes it.
     */
    public ReplicaFetchService replicaFetchService(Executor storeReads) {
        return new ReplicaFetchService(this, scheduler, clusterIds, storeReads);
    }

    /** Applies every partition transition the image implies; call it for each new image, after logs are opened. */
    public synchronized void applyMetadata(MetadataImage image) {
        Set<PartitionKey> hosted = new HashSet<>();
        for (TopicImage topic : image.topics().topicsById().values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                if (!partition.replicas().contains(localBrokerId)) {
                    continue;
                }
                PartitionKey key = new PartitionKey(topic.id(), entry.getKey());
                hosted.add(key);
                applyPartition(key, partition, image);
            }
        }
        for (LeaderPartition leader : leaders.values()) {
            leader.handleClusterImage(image.cluster());
        }
        appliedLeaderEpochs.keySet().retainAll(hosted);
        Set<PartitionKey> known = new HashSet<>(leaders.keySet());
        known.addAll(following.keySet());
        for (PartitionKey key : known) {
            if (!hosted.contains(key)) {
                stopReplica(key);
            }
        }
    }

    private void applyPartition(PartitionKey key, PartitionImage partition, MetadataImage image) {
        if (!maybeAdvanceLeaderEpoch(key, partition)) {
            return;
        }
        if (partition.leaderId() == localBrokerId && !grantedToThisProcess(image)) {
            // A leadership the controller gave an earlier process with this node id (e.g. before a power cut of the
            // whole cluster): this process may hold less of the log than that one acknowledged, and followers would
            // truncate to it. The controller elects again once this process registers and reports its log ends.
            log.debug("Not leading {} at leader epoch {}: granted to an earlier process with node id {}", key,
                    partition.leaderEpoch(), localBrokerId);
            stopLeading(key);
            stopFetching(key);
        } else if (partition.leaderId() == localBrokerId) {
            LeaderPartition current = leaders.get(key);
            if (current != null && current.leaderEpoch() == partition.leaderEpoch()) {
                current.handlePartitionImage(partition);
            } else {
                becomeLeader(key, partition);
            }
        } else if (partition.hasLeader() && image.cluster().broker(partition.leaderId()) != null) {
            BrokerRegistration leader = image.cluster().broker(partition.leaderId());
            becomeFollower(key, partition, new BrokerEndpoint(leader.id(), leader.host(), leader.port()));
        } else {
            stopLeading(key);
            stopFetching(key);
        }
    }

    /**
     * Whether the image's registration of this node id is this process's (or names no process): leaderships in it
     * were given to this process, not to a predecessor whose log may have been longer.
     */
    private boolean grantedToThisProcess(MetadataImage image) {
        BrokerRegistration registration = image.cluster().broker(localBrokerId);
        return registration == null || registration.incarnationId().isEmpty()
                || registration.incarnationId().equals(incarnationId);
    }

    /**
     * Records {@code partition}'s leader epoch as applied for {@code key} and returns true, unless it is older than
     * the last one applied or than the latest epoch that wrote the local log: then the image is stale, nothing
     * changes, and it returns false.
     */
    private boolean maybeAdvanceLeaderEpoch(PartitionKey key, PartitionImage partition) {
        int applied = appliedLeaderEpochs.getOrDefault(key, -1);
        int written = logStore.partition(key).state().latestEpoch();
        if (partition.leaderEpoch() < applied || partition.leaderEpoch() < written) {
            log.warn("Ignoring stale metadata for {}: leader {} at leader epoch {}, but leader epoch {} was applied "
                    + "here and the log holds leader epoch {}", key, partition.leaderId(), partition.leaderEpoch(),
                    applied, written);
            return false;
        }
        appliedLeaderEpochs.put(key, partition.leaderEpoch());
        return true;
    }

    /** Makes this broker the leader of {@code key} as of {@code partition} (which must name it leader). */
    public synchronized void becomeLeader(PartitionKey key, PartitionImage partition) {
        stopFetching(key);
        stopLeading(key);
        PartitionLog partitionLog = logStore.partition(key);
        LeaderPartition leader = new LeaderPartition(localBrokerId, partitionLog, partition, isrChanges, clock,
                config, stageSink);
        // Before the produce path can see this leader: its acks=all waits need the leadership open.
        acksAllWaiter.lead(partitionLog, partition.leaderEpoch());
        leaders.put(key, leader);
        log.info("Leading {} at leader epoch {} from offset {}, ISR {}", key, partition.leaderEpoch(),
                partitionLog.logEndOffset(), partition.isr());
        // With no other replica in the ISR the high watermark can move at once.
        leader.afterLocalAppend();
        // A former follower may hold fetched data it has not synced yet; it counts once synced.
        syncIfAwaited(partitionLog);
    }

    /** Makes this broker a follower of {@code key}, fetching from {@code leader} at the image's leader epoch. */
    public synchronized void becomeFollower(PartitionKey key, PartitionImage partition, BrokerEndpoint leader) {
        stopLeading(key);
        FollowTarget target = new FollowTarget(leader, partition.leaderEpoch());
        if (target.equals(following.get(key))) {
            return;
        }
        PartitionLog partitionLog = logStore.partition(key);
        fetchers.follow(partitionLog, leader, partition.leaderEpoch());
        following.put(key, target);
        log.info("Following {} on broker {} at leader epoch {} from offset {}", key, leader.brokerId(),
                partition.leaderEpoch(), partitionLog.logEndOffset());
    }

    /** Stops leading and fetching {@code key} (the replica moved away or the topic was deleted). */
    public synchronized void stopReplica(PartitionKey key) {
        stopLeading(key);
        stopFetching(key);
        appliedLeaderEpochs.remove(key);
    }

    private void stopLeading(PartitionKey key) {
        LeaderPartition previous = leaders.remove(key);
        if (previous != null) {
            previous.close();
            acksAllWaiter.abort(key, ErrorCode.NOT_LEADER);
            log.info("No longer leading {} (leader epoch {})", key, previous.leaderEpoch());
        }
    }

    private void stopFetching(PartitionKey key) {
        if (following.remove(key) != null) {
            fetchers.unfollow(key);
        }
    }

    @Override
    public Optional<LeaderPartition> leaderPartition(PartitionKey key) {
        return Optional.ofNullable(leaders.get(key));
    }

    /**
     * The produce path's {@code HighWatermarkPolicy}: pass {@code replicas::afterLocalAppend}. Moves the high
     * watermark when the ISR is this broker alone, and wakes the followers' waiting fetches.
     */
    public void afterLocalAppend(PartitionLog partitionLog, AppendResult appended) {
        LeaderPartition leader = leaders.get(partitionLog.key());
        if (leader != null) {
            leader.afterLocalAppend();
        }
        syncIfAwaited(partitionLog);
    }

    /**
     * When the flush policy holds appended data back until it is synced, asks for the sync, and moves the high
     * watermark once it is done (the leader then counts itself up to its new acknowledgeable end).
     */
    private void syncIfAwaited(PartitionLog partitionLog) {
        if (!partitionLog.awaitsSync()) {
            return;
        }
        syncer.sync(partitionLog).whenComplete((done, failure) -> {
            if (failure != null) {
                // The store reported a failed fsync to the fault handler; what waited for it times out.
                log.debug("Sync of {} failed: {}", partitionLog.key(), failure.getMessage());
                return;
            }
            LeaderPartition leader = leaders.get(partitionLog.key());
            if (leader != null) {
                leader.afterLocalAppend();
            }
        });
    }

    /**
     * For {@code acks=1}: completes with {@code NONE} once everything below {@code nextOffset} may be acknowledged
     * under the partition's flush policy (at once unless it asks for a sync), or {@code KAFKA_STORAGE_ERROR} when the
     * sync failed.
     */
    public CompletableFuture<ErrorCode> awaitAcknowledgeable(PartitionLog partitionLog, long nextOffset) {
        if (partitionLog.acknowledgeableEndOffset() >= nextOffset) {
            return CompletableFuture.completedFuture(ErrorCode.NONE);
        }
        return syncer.sync(partitionLog).handle((done, failure) -> failure != null ? ErrorCode.KAFKA_STORAGE_ERROR
                : partitionLog.acknowledgeableEndOffset() >= nextOffset ? ErrorCode.NONE : ErrorCode.NOT_LEADER);
    }

    /**
     * Before an {@code acks=all} append: {@code NONE}, {@code NOT_LEADER}, or {@code NOT_ENOUGH_REPLICAS} when the
     * ISR is smaller than the topic's {@code min.insync.replicas}.
     */
    public ErrorCode checkAcksAll(PartitionKey key, int minInsyncReplicas) {
        LeaderPartition leader = leaders.get(key);
        if (leader == null) {
            return ErrorCode.NOT_LEADER;
        }
        return leader.hasEnoughInSyncReplicas(minInsyncReplicas) ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS;
    }

    /**
     * After an {@code acks=all} append at {@code leaderEpoch}: completes with {@code NONE} once the high watermark
     * reaches {@code appended.nextOffset()}, {@code REQUEST_TIMED_OUT} after {@code timeoutMs}, or {@code NOT_LEADER}
     * when this broker no longer leads at that epoch, even if leadership moved before this call.
     */
    public CompletableFuture<ErrorCode> awaitAcksAll(PartitionLog partitionLog, int leaderEpoch, AppendResult appended,
                                                     long timeoutMs) {
        return acksAllWaiter.await(partitionLog, leaderEpoch, appended.nextOffset(), timeoutMs);
    }

    /** The ISR this broker knows as leader of {@code key}, or empty when it does not lead it. */
    public Optional<java.util.List<Integer>> isr(PartitionKey key) {
        return leaderPartition(key).map(LeaderPartition::isr);
    }

    /** Runs the ISR lag check now (the scheduler runs it periodically after {@link #start}). */
    public void maybeShrinkIsrs() {
        for (LeaderPartition leader : leaders.values()) {
            try {
                leader.maybeShrinkIsr();
            } catch (RuntimeException e) {
                log.warn("ISR check of {} failed", leader.key(), e);
            }
        }
        logSlowestCommit();
    }

    /**
     * At most once a minute, the anatomy of the slowest commit of the led partitions since the last time, when it
     * took longer than {@value #SLOW_COMMIT_MS} ms: which follower was late, and whether sending or storing was slow.
     */
    private void logSlowestCommit() {
        long nowMs = clock.millis();
        if (nowMs - slowCommitLoggedAtMs < SLOW_COMMIT_LOG_INTERVAL_MS) {
            return;
        }
        slowCommitLoggedAtMs = nowMs;
        CommitStages.SlowCommit slowest = null;
        PartitionKey slowestKey = null;
        for (LeaderPartition leader : leaders.values()) {
            var taken = leader.takeSlowestCommit();
            if (taken.isPresent() && (slowest == null || taken.get().committedNanos() > slowest.committedNanos())) {
                slowest = taken.get();
                slowestKey = leader.key();
            }
        }
        if (slowest != null && slowest.committedNanos() > TimeUnit.MILLISECONDS.toNanos(SLOW_COMMIT_MS)) {
            log.info("Slowest commit of the last {} s: {} {}", SLOW_COMMIT_LOG_INTERVAL_MS / 1000, slowestKey,
                    slowest.describe());
        }
    }

    /** How far behind their leaders the partitions this broker follows are, for the follower lag meters. */
    public synchronized List<FollowerLag> followerLags() {
        return fetchers.lags();
    }

    @Override
    public synchronized void close() {
        if (isrCheck != null) {
            isrCheck.cancel(false);
        }
        fetchers.close();
        for (PartitionKey key : new HashSet<>(leaders.keySet())) {
            stopLeading(key);
        }
        following.clear();
    }
}
