package dev.sluice.chaos.security;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.cluster.ClusterSecurity;
import dev.sluice.chaos.workload.ClientSecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * One run's security: the nodes' settings, the harness admin's and the workload clients', and the step that sets up
 * the workload principals once the cluster is up. Immutable apart from that step; any thread.
 */
public interface ChaosSecurity extends ClusterSecurity, ClientSecurity {
    SecurityMode mode();

    /**
     * Creates the workload principals and grants them their ACLs through the harness's admin (a super user), then
     * waits until every broker lets each of them in. Does nothing in plaintext.
     *
     * @throws IllegalStateException when that did not happen within {@code timeout}, naming what was missing
     */
    void grantWorkloadPrincipals(ChaosCluster cluster, String appendTopic, Duration timeout);

    /**
     * The run's security: plaintext, or TLS and SCRAM with a CA and certificates made in {@code dir} for the nodes at
     * {@code nodeAddresses} (node id to the address the node listens on and is dialled at).
     */
    static ChaosSecurity create(SecurityMode mode, Path dir, Map<Integer, String> nodeAddresses) throws IOException {
        return switch (mode) {
            case PLAINTEXT -> new PlaintextSecurity();
            case TLS_SCRAM -> TlsScramSecurity.create(dir, nodeAddresses, Clock.systemUTC(),
                    new java.security.SecureRandom());
        };
    }
}
