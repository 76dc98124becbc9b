package dev.sluice.broker.server;

import dev.sluice.metadata.MetadataImage;

/**
 * The catch-up readiness rule ({@link ReplicaCatchUp}), held once per registration. After a restart, or after a
 * fenced broker registers again, the broker is behind in every ISR it was dropped from, and a rolling restart must
 * wait for it. Once it has caught up in a registration, a replica that later falls behind, or a reassignment that
 * adds replicas to this broker ({@code sluice broker drain}), does not take it out of service: that would remove a
 * healthy broker from the client Service and block every other eviction under a disruption budget, for no safety
 * gain (the orchestrator is not restarting it).
 *
 * <p>Pure apart from its one remembered epoch; any thread.
 */
final class CatchUpReadiness {
    private final int nodeId;
    /** The broker epoch in which the rule last held; -1 before, and again after this broker was seen fenced. */
    private volatile long caughtUpInEpoch = -1;

    CatchUpReadiness(int nodeId) {
        this.nodeId = nodeId;
    }

    /** Null when ready in registration {@code brokerEpoch}; otherwise the partitions this broker still waits for. */
    String notReadyReason(MetadataImage image, long brokerEpoch) {
        if (caughtUpInEpoch == brokerEpoch) {
            return null;
        }
        String behind = ReplicaCatchUp.notCaughtUpReason(image, nodeId);
        if (behind == null) {
            caughtUpInEpoch = brokerEpoch;
        }
        return behind;
    }

    /** This broker was seen fenced: it drops out of ISRs, so whatever registration comes next waits again. */
    void fenced() {
        caughtUpInEpoch = -1;
    }
}
