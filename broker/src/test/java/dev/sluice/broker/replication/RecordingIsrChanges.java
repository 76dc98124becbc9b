package dev.sluice.broker.replication;

import dev.sluice.proto.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every proposed ISR and accepts it; the test publishes the resulting metadata image itself. */
final class RecordingIsrChanges implements IsrChangeSender {

    final List<List<Integer>> proposals = new CopyOnWriteArrayList<>();
    final List<Map<Integer, Long>> joiningEpochs = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<AlterPartitionResult> alterPartition(UUID topicId, int partition, int leaderId,
                                                                  int leaderEpoch, int partitionEpoch,
                                                                  List<Integer> newIsr,
                                                                  Map<Integer, Long> joining) {
        proposals.add(List.copyOf(newIsr));
        joiningEpochs.add(Map.copyOf(joining));
        return CompletableFuture.completedFuture(new AlterPartitionResult(ErrorCode.NONE, "", null));
    }
}
