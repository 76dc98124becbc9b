package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionSyncer;
import dev.sluice.fault.FaultHandler;
import dev.sluice.proto.internal.v1.SenderIdentity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The follower side for every partition of this broker: one {@link ReplicaFetcher} per leader endpoint, created on
 * demand and closed when it has no partition left.
 *
 * <p>Threads: callers serialize (the {@link PartitionReplicas} monitor).
 */
final class ReplicaFetchers implements AutoCloseable {

    private final int localBrokerId;
    private final LongSupplier brokerEpoch;
    private final ReplicationChannels channels;
    private final PartitionSyncer syncer;
    private final ReplicationConfig config;
    private final Clock clock;
    private final SenderIdentity sender;
    private final FaultHandler faultHandler;
    private final ReplicaFetchListener fetchListener;
    private final Map<BrokerEndpoint, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<PartitionKey, ReplicaFetcher> followed = new HashMap<>();

    ReplicaFetchers(int localBrokerId, LongSupplier brokerEpoch, ReplicationChannels channels, PartitionSyncer syncer,
                    ReplicationConfig config, Clock clock, SenderIdentity sender, FaultHandler faultHandler,
                    ReplicaFetchListener fetchListener) {
        this.localBrokerId = localBrokerId;
        this.brokerEpoch = brokerEpoch;
        this.channels = channels;
        this.syncer = syncer;
        this.config = config;
        this.clock = clock;
        this.sender = sender;
        this.faultHandler = faultHandler;
        this.fetchListener = fetchListener;
    }

    /** Replicates {@code log} from {@code leader} at {@code leaderEpoch}, moving it off any other fetcher. */
    void follow(PartitionLog log, BrokerEndpoint leader, int leaderEpoch) {
        unfollow(log.key());
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(leader, endpoint -> {
            ReplicaFetcher created = new ReplicaFetcher(localBrokerId, brokerEpoch, endpoint,
                    channels.open(endpoint), syncer, config, clock, sender, faultHandler, fetchListener);
            created.start();
            return created;
        });
        fetcher.addPartition(log, leaderEpoch);
        followed.put(log.key(), fetcher);
    }

    /** Stops replicating {@code key}; once this returns no fetcher appends to its log. */
    void unfollow(PartitionKey key) {
        ReplicaFetcher fetcher = followed.remove(key);
        if (fetcher == null) {
            return;
        }
        fetcher.removePartition(key);
        if (fetcher.isEmpty()) {
            fetchers.remove(fetcher.source());
            fetcher.close();
        }
    }

    /** The lag of every partition this broker follows. */
    List<FollowerLag> lags() {
        List<FollowerLag> lags = new ArrayList<>();
        fetchers.values().forEach(fetcher -> fetcher.lags(lags));
        return lags;
    }

    @Override
    public void close() {
        for (ReplicaFetcher fetcher : new ArrayList<>(fetchers.values())) {
            fetcher.close();
        }
        fetchers.clear();
        followed.clear();
    }
}
