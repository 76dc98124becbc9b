package dev.sluice.chaos.cluster;

import java.util.Map;

/**
 * How the nodes of a chaos cluster are secured: the settings each node starts with (its own certificate, so per node)
 * and what the harness's own admin client (health checks, nemesis queries, the append topic's creation) adds to act as
 * a super user. Immutable; any thread.
 */
public interface ClusterSecurity {
    /** Plaintext everywhere, no authentication, no authorization. */
    ClusterSecurity PLAINTEXT = new ClusterSecurity() {
        @Override
        public Map<String, String> nodeSettings(int nodeId) {
            return Map.of();
        }

        @Override
        public Map<String, Object> adminClient() {
            return Map.of();
        }
    };

    /** Server settings of node {@code nodeId} (TLS files, authentication, authorization). */
    Map<String, String> nodeSettings(int nodeId);

    /** Sluice client settings of the harness's admin. */
    Map<String, Object> adminClient();
}
