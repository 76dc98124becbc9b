package dev.sluice.identity;

import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.security.Principals;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side's cluster check on a node-to-node request: a sender whose identity names another cluster (or
 * none) is refused. Each refused sender is logged once (per service, sender id and cluster id it claims), not once per
 * request: a misconfigured node retries many times a second. Thread-safe; called on request threads.
 */
public final class ClusterIdCheck {
    private static final Logger log = LoggerFactory.getLogger(ClusterIdCheck.class);

    private final int localNodeId;
    private final String clusterId;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public ClusterIdCheck(int localNodeId, String clusterId) {
        this.localNodeId = localNodeId;
        this.clusterId = clusterId;
    }

    /**
     * Null when {@code sender} belongs to this cluster; otherwise the refusal's message (logged once per sender).
     *
     * @param service the service refusing, for the log line
     * @param senderId the node id the request claims, -1 when the request names none
     */
    public String refusal(String service, int senderId, SenderIdentity sender) {
        if (clusterId.equals(sender.getClusterId())) {
            return null;
        }
        String claimed = sender.getClusterId().isEmpty() ? "no cluster id" : "cluster " + sender.getClusterId();
        String who = senderId < 0 ? "a node" : "node " + senderId;
        String message = "node " + localNodeId + " belongs to cluster " + clusterId + " but " + who + " (directory "
                + orNone(sender.getDirectoryId()) + ") sent " + claimed + "; check its --cluster-id and that its "
                + "controller.quorum.voters and broker addresses name this cluster's nodes";
        if (logged.add(service + "/" + senderId + "/" + sender.getDirectoryId() + "/" + sender.getClusterId())) {
            // The principal is the sender's certificate's (ANONYMOUS without TLS): which key a stranger holds.
            log.error("Refusing {} requests from {} (principal {}): {} (logged once per sender)", service, who,
                    Principals.current(), message);
        }
        return message;
    }

    public String clusterId() {
        return clusterId;
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "unknown" : value;
    }
}
