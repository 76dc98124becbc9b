package dev.sluice.controller;

import dev.sluice.metadata.BrokerRegistration;
import java.util.Map;

/**
 * A read-only view of the controller shell's soft state about broker sessions, for pure decisions: each broker's
 * last accepted heartbeat or registration (ms, from the shell's clock) and the registration epoch each broker shut
 * down cleanly with. Not in the metadata log: a new active controller starts with a fresh session for every
 * unfenced broker. Read on the controller thread only, which owns the maps.
 */
final class BrokerSessions {
    private final Map<Integer, Long> lastHeartbeatMs;
    private final Map<Integer, Long> shutdownEpochs;
    private final long sessionTimeoutMs;

    BrokerSessions(Map<Integer, Long> lastHeartbeatMs, Map<Integer, Long> shutdownEpochs, long sessionTimeoutMs) {
        this.lastHeartbeatMs = lastHeartbeatMs;
        this.shutdownEpochs = shutdownEpochs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /**
     * Whether {@code broker}'s registration still has a live session: it was heard from within the session timeout
     * and has not shut down cleanly.
     */
    boolean isLive(BrokerRegistration broker, long nowMs) {
        Long shutdownEpoch = shutdownEpochs.get(broker.id());
        if (shutdownEpoch != null && shutdownEpoch == broker.epoch()) {
            return false;
        }
        Long last = lastHeartbeatMs.get(broker.id());
        return last != null && nowMs - last <= sessionTimeoutMs;
    }

    /** Milliseconds since broker {@code brokerId} was last heard from, or -1 when never. */
    long sinceLastHeartbeatMs(int brokerId, long nowMs) {
        Long last = lastHeartbeatMs.get(brokerId);
        return last == null ? -1 : nowMs - last;
    }
}
