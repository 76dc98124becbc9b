package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionKey;
import java.util.Optional;

/**
 * How the {@link ReplicaFetchService} finds the partitions this broker leads. Implemented by
 * {@link PartitionReplicas}.
 */
@FunctionalInterface
public interface LeaderPartitions {

    /** The partition if this broker currently leads it; empty answers the follower with {@code NOT_LEADER}. */
    Optional<LeaderPartition> leaderPartition(PartitionKey key);
}
