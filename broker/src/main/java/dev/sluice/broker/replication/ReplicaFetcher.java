package dev.sluice.broker.replication;

import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.PartitionDeletedException;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionSyncer;
import dev.sluice.fault.FaultHandler;
import dev.sluice.proto.internal.v1.ReplicaFetchPartition;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication for one source broker: a thread that long-polls {@code ReplicaFetch} for every
 * partition this broker follows on that leader, and applies each answer to the local log (see
 * {@link FollowerLogUpdate}). A partition whose fetch fails backs off for {@code replica.fetch.backoff.ms}; a
 * transport failure backs the whole fetcher off. The thread never dies silently: a failed local write was reported to
 * the node's {@link FaultHandler} by the log store (which then refuses every write, so the partition only backs off
 * until the node stops); any other unexpected exception is logged and the whole fetcher retries after the backoff;
 * an {@link Error} escaping the loop goes to the fault handler.
 *
 * <p>Durability: when a partition's flush policy holds appended data back until it is synced, the fetcher has it
 * synced (one group-committed fsync for every such partition of the answer) before it fetches again. Its next fetch
 * offset tells the leader how far it has the data, which moves the high watermark and decides ISR membership, so it
 * must only ever name data this replica has on disk.
 *
 * <p>Threads: its own thread fetches and appends. {@link #addPartition} and {@link #removePartition} may be called
 * from any thread; they take the fetcher's lock, which the fetcher holds while it applies a response, so once
 * {@link #removePartition} returns the fetcher will not touch that log again.
 */
public final class ReplicaFetcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

    private final int localBrokerId;
    private final LongSupplier brokerEpoch;
    private final BrokerEndpoint source;
    private final ManagedChannel channel;
    private final PartitionSyncer syncer;
    private final ReplicaFetchExchange exchange;
    private final ReplicationConfig config;
    private final Clock clock;
    private final SenderIdentity sender;
    private final ReplicaFetchListener fetchListener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<PartitionKey, FollowedPartition> partitions = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** The last top-level refusal logged (fetcher thread only), so a lasting one is logged once. */
    private String loggedRefusal = "";

    public ReplicaFetcher(int localBrokerId, LongSupplier brokerEpoch, BrokerEndpoint source, ManagedChannel channel,
                          PartitionSyncer syncer, ReplicationConfig config, Clock clock, SenderIdentity sender,
                          FaultHandler faultHandler, ReplicaFetchListener fetchListener) {
        this.localBrokerId = localBrokerId;
        this.brokerEpoch = brokerEpoch;
        this.source = source;
        this.channel = channel;
        this.exchange = new ReplicaFetchExchange(channel, source.brokerId());
        this.syncer = syncer;
        this.config = config;
        this.clock = clock;
        this.sender = sender;
        this.fetchListener = fetchListener;
        this.thread = new Thread(this::run, "replica-fetcher-" + localBrokerId + "-from-" + source.brokerId());
        this.thread.setDaemon(true);
        this.thread.setUncaughtExceptionHandler((dead, error) ->
                faultHandler.handleFault("thread " + dead.getName() + " died", error));
    }

    public void start() {
        thread.start();
    }

    public BrokerEndpoint source() {
        return source;
    }

    /** Starts (or restarts, at a new leader epoch) replicating {@code log} from this fetcher's source. */
    public void addPartition(PartitionLog partitionLog, int leaderEpoch) {
        lock.lock();
        try {
            partitions.put(partitionLog.key(), new FollowedPartition(partitionLog, leaderEpoch, clock.millis()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops replicating {@code key}; returns once no append to its log is in progress. */
    public void removePartition(PartitionKey key) {
        lock.lock();
        try {
            partitions.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** Adds the lag of every partition this fetcher follows to {@code into}. */
    void lags(List<FollowerLag> into) {
        lock.lock();
        try {
            for (FollowedPartition partition : partitions.values()) {
                into.add(partition.lag());
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        lock.lock();
        try {
            return partitions.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (running) {
            try {
                fetchOnce();
            } catch (RuntimeException e) {
                // A bug or an unexpected failure (e.g. a storage read): keep replicating the other partitions.
                log.error("Replica fetcher from broker {} failed; retrying in {} ms", source.brokerId(),
                        config.replicaFetchBackoffMs(), e);
                await(config.replicaFetchBackoffMs());
            }
        }
    }

    /** One fetch round: build the request, long-poll the leader, apply the answer. */
    private void fetchOnce() {
        {
            ReplicaFetchRequest request = nextRequest();
            if (request == null) {
                return;
            }
            ReplicaFetchResponse response;
            long startNanos = System.nanoTime();
            try {
                response = exchange.exchange(request, config.replicaFetchWaitMaxMs() + config.requestTimeoutMs());
                fetchListener.fetched(System.nanoTime() - startNanos);
            } catch (StatusRuntimeException e) {
                if (running) {
                    log.warn("Replica fetch from broker {} failed: {}", source.brokerId(), e.getStatus());
                    await(config.replicaFetchBackoffMs());
                }
                return;
            }
            if (response.getError() != ErrorCode.NONE) {
                handleRefusal(response);
                return;
            }
            loggedRefusal = "";
            syncAwaited(applyResponse(request, response));
        }
    }

    /** Waits for the fsync of what the answer appended where the flush policy asks for one (see the class doc). */
    private void syncAwaited(List<PartitionLog> appendedTo) {
        List<PartitionLog> awaiting = appendedTo.stream().filter(PartitionLog::awaitsSync).toList();
        if (!awaiting.isEmpty()) {
            syncer.sync(awaiting).join();
        }
    }

    /**
     * The leader refused the whole request (e.g. {@code INCONSISTENT_CLUSTER_ID}: it belongs to another cluster, so
     * the metadata that sent this broker there is wrong): logged once while it lasts, and retried after the backoff.
     */
    private void handleRefusal(ReplicaFetchResponse response) {
        String refusal = response.getError() + ": " + response.getErrorMessage();
        if (!refusal.equals(loggedRefusal)) {
            loggedRefusal = refusal;
            log.error("Broker {} at {}:{} refused replica fetches from broker {}: {} (logged once while it lasts)",
                    source.brokerId(), source.host(), source.port(), localBrokerId, refusal);
        }
        await(config.replicaFetchBackoffMs());
    }

    /** The request for every partition not backing off, or null after waiting when there is none. */
    private ReplicaFetchRequest nextRequest() {
        lock.lock();
        try {
            long nowMs = clock.millis();
            long nextRetryMs = Long.MAX_VALUE;
            ReplicaFetchRequest.Builder request = ReplicaFetchRequest.newBuilder()
                    .setReplicaId(localBrokerId).setBrokerEpoch(brokerEpoch.getAsLong())
                    .setMaxWaitMs(config.replicaFetchWaitMaxMs()).setMinBytes(config.replicaFetchMinBytes())
                    .setMaxBytes(config.replicaFetchMaxBytes()).setSender(sender);
            for (FollowedPartition partition : partitions.values()) {
                if (partition.retryAtMs > nowMs) {
                    nextRetryMs = Math.min(nextRetryMs, partition.retryAtMs);
                    continue;
                }
                request.addPartitions(ReplicaFetchPartition.newBuilder()
                        .setTopicId(TopicIdBytes.encode(partition.log.key().topicId()))
                        .setPartition(partition.log.key().partition())
                        .setFetchOffset(partition.log.logEndOffset())
                        .setLastFetchedEpoch(partition.log.state().latestEpoch())
                        .setCurrentLeaderEpoch(partition.leaderEpoch)
                        .setPartitionMaxBytes(config.replicaFetchPartitionMaxBytes()));
            }
            if (request.getPartitionsCount() > 0) {
                return request.build();
            }
            long waitMs = nextRetryMs == Long.MAX_VALUE ? config.replicaFetchBackoffMs() : nextRetryMs - nowMs;
            changed.await(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Applies the answer; returns the logs it touched. */
    private List<PartitionLog> applyResponse(ReplicaFetchRequest request, ReplicaFetchResponse response) {
        List<PartitionLog> touched = new ArrayList<>();
        lock.lock();
        try {
            for (int i = 0; i < response.getPartitionsCount(); i++) {
                ReplicaFetchPartitionResult result = response.getPartitions(i);
                PartitionKey key = new PartitionKey(TopicIdBytes.decode(result.getTopicId()), result.getPartition());
                FollowedPartition partition = partitions.get(key);
                int sentEpoch = request.getPartitions(i).getCurrentLeaderEpoch();
                if (partition == null || partition.leaderEpoch != sentEpoch) {
                    continue;  // removed or re-added while the fetch was in flight
                }
                applyPartition(key, partition, result);
                touched.add(partition.log);
            }
        } finally {
            lock.unlock();
        }
        return touched;
    }

    private void applyPartition(PartitionKey key, FollowedPartition partition, ReplicaFetchPartitionResult result) {
        try {
            if (FollowerLogUpdate.apply(partition.log, result) == FollowerLogUpdate.Outcome.BACK_OFF) {
                partition.retryAtMs = clock.millis() + config.replicaFetchBackoffMs();
            } else if (result.getError() == ErrorCode.NONE) {
                partition.leaderAnswered(result.getLogEndOffset(), clock.millis());
            }
        } catch (PartitionDeletedException e) {
            partitions.remove(key);
        } catch (LogStorageException e) {
            // The store reported the failed write to the fault handler (logged there, with the cause) and takes no
            // more writes; the node is stopping. Nothing was appended, so the leader never counts it as replicated.
            log.warn("Could not store replicated data of {}: {}", key, e.getMessage());
            partition.retryAtMs = clock.millis() + config.replicaFetchBackoffMs();
        } catch (IllegalArgumentException e) {
            // A batch that does not fit the local log: refetch after a pause rather than spin.
            log.warn("Could not apply replicated data to {}: {}", key, e.getMessage());
            partition.retryAtMs = clock.millis() + config.replicaFetchBackoffMs();
        }
    }

    private void await(long waitMs) {
        lock.lock();
        try {
            if (running) {
                changed.await(waitMs, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread and shuts the channel down; waits up to the request timeout for the thread. */
    @Override
    public void close() {
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        exchange.close();
        channel.shutdownNow();
        try {
            thread.join(config.requestTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
