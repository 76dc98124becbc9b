package dev.sluice.broker.replication;

import java.util.Optional;

/**
 * What the shell must do after an event on a {@link LeaderPartitionState}: raise the log's high watermark, and send
 * an ISR change to the controller. The core has already recorded the proposal as in flight.
 *
 * @param highWatermark the high watermark after the event
 * @param highWatermarkAdvanced whether the event raised it
 * @param isrProposal an ISR change to send, if any
 */
public record LeaderUpdate(long highWatermark, boolean highWatermarkAdvanced, Optional<IsrProposal> isrProposal) {

    static LeaderUpdate of(long highWatermark, boolean advanced, IsrProposal proposal) {
        return new LeaderUpdate(highWatermark, advanced, Optional.ofNullable(proposal));
    }
}
