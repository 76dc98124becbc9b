package dev.sluice.broker.server;

import dev.sluice.broker.group.CoordinatorHandoffs;
import dev.sluice.broker.replication.PartitionReplicas;
import dev.sluice.broker.replication.ReplicationChannels;
import dev.sluice.broker.replication.ReplicationConfig;
import dev.sluice.broker.rpc.AppliedOffsetWaiters;
import dev.sluice.broker.rpc.ControllerChannel;
import dev.sluice.broker.rpc.TrafficMetrics;

/**
 * The part of the broker role that the metadata log drives, built before the log replays: the partition replicas
 * (leading and following as the image says), the group coordinators' record of offsets partition takeovers, and the
 * offset the broker's image has applied (for the admin read barrier). It registers the broker's publishers with the
 * loader, which calls them only once the image caught up with the quorum after this start (see
 * {@link dev.sluice.metadata.MetadataLoader}).
 *
 * <p>The node builds this after the scheduler and before the controller role and the Raft node's start, and stops it
 * after the Raft node and the controller role stopped (no image update reaches stopped replicas) and before the
 * scheduler and the partition store. What the replicas need from the serving side, which starts later, comes
 * through two small objects built here: the {@link BrokerEpoch} the lifecycle sets and the {@link IsrChangeRelay} the
 * serving side connects to its controller channel.
 *
 * <p>Threads: built and stopped by the node's thread; the loader's thread publishes images.
 */
final class BrokerReplication implements AutoCloseable {
    private final PartitionReplicas replicas;
    private final CoordinatorHandoffs coordinatorHandoffs;
    private final AppliedOffsetWaiters appliedOffsets;
    private final TrafficMetrics traffic;
    private final BrokerEpoch brokerEpoch = new BrokerEpoch();
    private final IsrChangeRelay isrChanges = new IsrChangeRelay();
    private final long coordinatorLeaseMs;

    BrokerReplication(NodeContext context, BrokerStorage storage, MetadataQuorum quorum) {
        NodeConfig config = context.config();
        // Three quarters of the session timeout: the lease ends before the controller may fence this broker.
        this.coordinatorLeaseMs = config.brokerSessionTimeoutMs() * 3 / 4;
        this.appliedOffsets = new AppliedOffsetWaiters(context.clock()::millis, -1);
        ReplicationMeters replicationMeters = new ReplicationMeters(context.registry());
        this.replicas = new PartitionReplicas(config.nodeId(), brokerEpoch::get, storage.logStore(),
                storage.logSyncer(), isrChanges, ReplicationChannels.secured(context.brokerChannels()), context.clock(),
                context.scheduler(),
                ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(config.replicaLagTimeMaxMs()), context.identity(),
                context.faultHandler(), replicationMeters.fetchListener(), replicationMeters.commitStageSink());
        context.meterRefresh().add(() -> replicationMeters.refresh(replicas.followerLags(), quorum.brokerImage(),
                context.clock().millis()));
        this.coordinatorHandoffs = new CoordinatorHandoffs(config.nodeId(), System::nanoTime, coordinatorLeaseMs);
        this.traffic = new TrafficMetrics(context.registry());
        // Publishers hear of an image in registration order: once an offset counts as applied, the broker publisher
        // has acted on it (replicas, coordinator handoffs), which the read barrier and the lease renewal rely on.
        quorum.loader().registerAfterCatchUp(new BrokerMetadataPublisher(config.nodeId(), storage.logStore(),
                context.registry(), traffic, replicas, coordinatorHandoffs));
        quorum.loader().registerAfterCatchUp((delta, newImage) -> appliedOffsets.handleApplied(newImage.offset()));
        quorum.loader().registerAfterCatchUp(new PartitionMeters(config.nodeId(), context.registry()));
    }

    /** From now on, ISR changes go to the controller through {@code channel}. */
    void connect(ControllerChannel channel) {
        isrChanges.connect(channel);
    }

    PartitionReplicas replicas() {
        return replicas;
    }

    CoordinatorHandoffs coordinatorHandoffs() {
        return coordinatorHandoffs;
    }

    AppliedOffsetWaiters appliedOffsets() {
        return appliedOffsets;
    }

    TrafficMetrics traffic() {
        return traffic;
    }

    BrokerEpoch brokerEpoch() {
        return brokerEpoch;
    }

    /** The group coordinator lease, in milliseconds: three quarters of {@code broker.session.timeout.ms}. */
    long coordinatorLeaseMs() {
        return coordinatorLeaseMs;
    }

    /** Stops the replicas: fetchers stop, and waiting produce and fetch requests end. */
    @Override
    public void close() {
        replicas.close();
    }
}
