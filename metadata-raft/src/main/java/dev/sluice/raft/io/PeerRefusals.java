package dev.sluice.raft.io;

import dev.sluice.fault.FaultHandler;
import dev.sluice.proto.internal.v1.RaftError;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of the identity refusals of {@link RaftIdentityGuard}: logs each once per peer and error (a
 * refused node retries many times a second), and stops this process when a peer has refused its node id
 * ({@code RAFT_DUPLICATE_NODE_ID}) without a break for longer than {@code duplicateLimitMs}: another live process
 * holds the id. A restart on a new data directory is refused only until the old process's claim lapses (one fetch
 * timeout), so the limit is a few of those. A cluster id mismatch is logged, not fatal: it may be one misconfigured
 * peer among good ones.
 *
 * <p>Thread-safe: called on gRPC callback threads.
 */
final class PeerRefusals {
    private static final Logger log = LoggerFactory.getLogger(PeerRefusals.class);

    private final int localNodeId;
    private final String clusterId;
    private final long duplicateLimitMs;
    private final InstantSource clock;
    private final FaultHandler faultHandler;
    private final Map<Integer, Long> duplicateSinceMs = new ConcurrentHashMap<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();

    PeerRefusals(int localNodeId, String clusterId, long duplicateLimitMs, InstantSource clock,
                 FaultHandler faultHandler) {
        this.localNodeId = localNodeId;
        this.clusterId = clusterId;
        this.duplicateLimitMs = duplicateLimitMs;
        this.clock = clock;
        this.faultHandler = faultHandler;
    }

    /** Whether {@code error} is an identity refusal, which the caller turns into a failed request. */
    static boolean isRefusal(RaftError error) {
        return error == RaftError.RAFT_INCONSISTENT_CLUSTER_ID || error == RaftError.RAFT_DUPLICATE_NODE_ID;
    }

    /** {@code peerId} answered with {@code error} (one of {@link #isRefusal}); returns the failure to report. */
    PeerRefusedException refused(int peerId, RaftError error) {
        long nowMs = clock.millis();
        String message;
        if (error == RaftError.RAFT_INCONSISTENT_CLUSTER_ID) {
            message = "node " + peerId + " refused node " + localNodeId + "'s Raft requests: it belongs to another "
                    + "cluster than " + clusterId + "; check --cluster-id and controller.quorum.voters";
            duplicateSinceMs.remove(peerId);
        } else {
            long sinceMs = duplicateSinceMs.computeIfAbsent(peerId, id -> nowMs);
            message = "node " + peerId + " refused node " + localNodeId + "'s Raft requests for " + (nowMs - sinceMs)
                    + " ms: another live process (another data directory) holds node id " + localNodeId
                    + "; stop one of the two processes, or give this one an unused --node-id";
            if (nowMs - sinceMs > duplicateLimitMs && !stopped.getAndSet(true)) {
                faultHandler.handleFault(message, null);
            }
        }
        if (logged.add(peerId + "/" + error)) {
            log.error("{} (logged once per peer)", message);
        }
        return new PeerRefusedException(message);
    }

    /** {@code peerId} answered normally: it accepts this node's id again. */
    void answered(int peerId) {
        duplicateSinceMs.remove(peerId);
    }

    /** A request refused by its receiver for the sender's identity; the driver treats it as a failed request. */
    static final class PeerRefusedException extends Exception {
        PeerRefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
