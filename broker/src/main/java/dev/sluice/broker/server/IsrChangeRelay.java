package dev.sluice.broker.server;

import dev.sluice.broker.replication.AlterPartitionResult;
import dev.sluice.broker.replication.IsrChangeSender;
import dev.sluice.broker.rpc.ControllerChannel;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Carries the partition leaders' ISR changes to the active controller over the broker's {@link ControllerChannel}.
 * The replicas are built before the metadata log replays (the replay feeds them); the channel only once this node's
 * controller port is bound, after that, so the channel is {@link #connect connected} here when the broker starts
 * serving. None is expected before that: a leader proposes ISR changes only from its followers' fetches, served on
 * the broker port, and from the periodic ISR check, and both start after the channel is connected. One that came
 * anyway would fail as a transport failure does, which the leader treats like a refusal.
 *
 * <p>Thread-safe: connected once by the starting thread, used by replication threads.
 */
final class IsrChangeRelay implements IsrChangeSender {
    private volatile ControllerChannel channel;

    /** Sends every later change through {@code channel}; once only. */
    void connect(ControllerChannel channel) {
        if (this.channel != null) {
            throw new IllegalStateException("the ISR change relay is connected already");
        }
        this.channel = channel;
    }

    @Override
    public CompletableFuture<AlterPartitionResult> alterPartition(UUID topicId, int partition, int leaderId,
                                                                  int leaderEpoch, int partitionEpoch,
                                                                  List<Integer> newIsr,
                                                                  Map<Integer, Long> joiningEpochs) {
        ControllerChannel current = channel;
        if (current == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no controller channel yet: the broker does not serve yet"));
        }
        return current.alterPartition(topicId, partition, leaderId, leaderEpoch, partitionEpoch, newIsr, joiningEpochs)
                .thenApply(reply -> new AlterPartitionResult(reply.error(), reply.errorMessage(), reply.partition()));
    }
}
