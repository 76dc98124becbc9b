package dev.sluice.raft.io;

import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.identity.NodeIdClaims;
import dev.sluice.proto.internal.v1.RaftError;
import dev.sluice.proto.internal.v1.SenderIdentity;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving edge's identity check of every Raft request, before the core sees it (see {@code raft.proto}):
 * <ul>
 *   <li>a sender of another cluster is refused ({@code RAFT_INCONSISTENT_CLUSTER_ID});</li>
 *   <li>a sender claiming this node's own id from another data directory is refused
 *       ({@code RAFT_DUPLICATE_NODE_ID}): this node is alive, so the sender is a second process with its id;</li>
 *   <li>a node id is held by the data directory its steady traffic comes from ({@link NodeIdClaims}, held while it
 *       was seen within the fetch timeout): at a leader, each replica's Fetch requests; at a follower, its leader's
 *       Fetch responses ({@link #observeResponder}). Requests claiming the id from another directory are refused
 *       ({@code RAFT_DUPLICATE_NODE_ID}). Without this, a second process with a voter's id could fetch as that voter,
 *       and the leader would count its log toward commitment in place of the real voter's. Observers (brokers) are
 *       refused too: the driver answers one node id's requests in order, so two processes with one id get each
 *       other's answers (seen: a second broker's first fetch, from offset 0, was answered with the first broker's
 *       entries from offset 21, and its Raft driver failed).</li>
 * </ul>
 * Each refusal is logged once per sender id and directory (or cluster), not once per request.
 *
 * <p>Thread-safe: called on gRPC threads; the claims are guarded by this object's monitor.
 */
final class RaftIdentityGuard {
    private static final Logger log = LoggerFactory.getLogger(RaftIdentityGuard.class);

    private final int localNodeId;
    private final String localDirectoryId;
    private final Set<Integer> voterIds;
    private final ClusterIdCheck clusterIds;
    private final InstantSource clock;
    private final NodeIdClaims claims;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    RaftIdentityGuard(int localNodeId, String clusterId, String localDirectoryId, Set<Integer> voterIds,
                      long holderTimeoutMs, InstantSource clock) {
        this.localNodeId = localNodeId;
        this.localDirectoryId = localDirectoryId;
        this.voterIds = Set.copyOf(voterIds);
        this.clusterIds = new ClusterIdCheck(localNodeId, clusterId);
        this.clock = clock;
        this.claims = new NodeIdClaims(holderTimeoutMs);
    }

    /**
     * {@code RAFT_NONE} to accept the request, else the refusal to answer with.
     *
     * @param steady whether the request is the sender's steady traffic (a fetch), which keeps its claim alive
     */
    RaftError check(String rpc, int senderId, SenderIdentity sender, boolean steady) {
        if (clusterIds.refusal("Raft", senderId, sender) != null) {
            return RaftError.RAFT_INCONSISTENT_CLUSTER_ID;
        }
        String directoryId = sender.getDirectoryId();
        if (senderId == localNodeId && !directoryId.equals(localDirectoryId)) {
            logOnce("self/" + directoryId, "Refusing Raft requests ({}) that claim this node's own id {} from "
                    + "directory {} (this node's is {}): another process was started with node id {}; stop it or give "
                    + "it an unused node.id", rpc, senderId, directoryId, localDirectoryId, senderId);
            return RaftError.RAFT_DUPLICATE_NODE_ID;
        }
        long nowMs = clock.millis();
        String holder;
        long silenceMs;
        NodeIdClaims.Verdict verdict;
        synchronized (this) {
            holder = claims.holder(senderId);
            silenceMs = claims.holderSilenceMs(senderId, nowMs);
            verdict = steady ? claims.refresh(senderId, directoryId, nowMs) : claims.check(senderId, directoryId,
                    nowMs);
        }
        if (verdict == NodeIdClaims.Verdict.TAKEN_OVER && holder != null) {
            log.info("Node {} now sends Raft requests from directory {} (directory {} was silent for {} ms): a "
                    + "restart on a new data directory", senderId, directoryId, holder, silenceMs);
        }
        if (verdict != NodeIdClaims.Verdict.REFUSED) {
            return RaftError.RAFT_NONE;
        }
        logOnce("claim/" + senderId + "/" + directoryId, "Two processes send Raft requests as {} {}: directory {} "
                + "(seen {} ms ago) and directory {} ({}); refusing the second. Stop one of them or give it an unused "
                + "node.id", voterIds.contains(senderId) ? "voter" : "observer", senderId, holder, silenceMs,
                directoryId, rpc);
        return RaftError.RAFT_DUPLICATE_NODE_ID;
    }

    /**
     * A normal Fetch response from {@code responderId}, this node's leader: its steady traffic, which keeps the
     * responder's claim on its id alive here, so that a second process claiming the leader's id is refused by the
     * followers too. A response from another directory than a live holder's is only logged (this node reached the
     * leader's configured address; it has nothing to refuse).
     */
    void observeResponder(int responderId, SenderIdentity responder) {
        String directoryId = responder.getDirectoryId();
        if (directoryId.isEmpty()) {
            return;
        }
        long nowMs = clock.millis();
        String holder;
        NodeIdClaims.Verdict verdict;
        synchronized (this) {
            holder = claims.holder(responderId);
            verdict = claims.refresh(responderId, directoryId, nowMs);
        }
        if (verdict == NodeIdClaims.Verdict.REFUSED) {
            logOnce("responder/" + responderId + "/" + directoryId, "Node {} answered a Raft fetch from directory {} "
                    + "while directory {} holds node id {}: two processes claim it; stop one of them or give it an "
                    + "unused node.id", responderId, directoryId, holder, responderId);
        }
    }

    private void logOnce(String key, String format, Object... arguments) {
        if (logged.add(key)) {
            log.error(format, arguments);
        }
    }
}
