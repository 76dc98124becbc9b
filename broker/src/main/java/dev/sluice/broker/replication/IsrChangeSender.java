package dev.sluice.broker.replication;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * How a partition leader asks the active controller to change an ISR ({@code AlterPartition}). The node implements
 * it over its {@code ControllerChannel} (in combined mode, {@code ControllerService.alterPartition}). The future
 * completes once the change is committed or refused; it completes exceptionally only on a transport failure,
 * which the leader treats like a refusal.
 * {@code joiningEpochs} names, for each replica joining the ISR, the broker epoch of the fetch that caught it up.
 */
@FunctionalInterface
public interface IsrChangeSender {

    CompletableFuture<AlterPartitionResult> alterPartition(UUID topicId, int partition, int leaderId, int leaderEpoch,
                                                           int partitionEpoch, List<Integer> newIsr,
                                                           Map<Integer, Long> joiningEpochs);
}
