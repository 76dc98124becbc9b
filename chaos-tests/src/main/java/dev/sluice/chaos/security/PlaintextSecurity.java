package dev.sluice.chaos.security;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.cluster.ClusterSecurity;
import dev.sluice.chaos.workload.ClientSecurity;
import java.time.Duration;
import java.util.Map;

/** No TLS, no authentication, no authorization: every setting as the node and client defaults have it. */
final class PlaintextSecurity implements ChaosSecurity {
    @Override
    public SecurityMode mode() {
        return SecurityMode.PLAINTEXT;
    }

    @Override
    public Map<String, String> nodeSettings(int nodeId) {
        return ClusterSecurity.PLAINTEXT.nodeSettings(nodeId);
    }

    @Override
    public Map<String, Object> adminClient() {
        return ClusterSecurity.PLAINTEXT.adminClient();
    }

    @Override
    public Map<String, Object> sluiceClient(String user) {
        return ClientSecurity.PLAINTEXT.sluiceClient(user);
    }

    @Override
    public Map<String, Object> kafkaClient(String user) {
        return ClientSecurity.PLAINTEXT.kafkaClient(user);
    }

    @Override
    public void grantWorkloadPrincipals(ChaosCluster cluster, String appendTopic, Duration timeout) {
    }
}
