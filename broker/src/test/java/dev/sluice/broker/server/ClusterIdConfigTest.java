package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster.id}: required for multi-node quorums, and a data directory keeps the cluster it was made for. */
class ClusterIdConfigTest {
    @TempDir
    Path dataDir;

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void multiVoterQuorumNeedsAClusterId() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.CONTROLLER_QUORUM,
                "1@localhost:7093,2@localhost:7103,3@localhost:7113")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.id");
        NodeConfig config = NodeConfig.parse(properties(NodeConfig.CONTROLLER_QUORUM,
                "1@localhost:7093,2@localhost:7103,3@localhost:7113", NodeConfig.CLUSTER_ID, "c1"));
        assertThat(config.clusterId()).isEqualTo("c1");
        assertThat(config.controllerQuorum()).hasSize(3);
    }

    @Test
    void brokerOnlyNodeIsAnObserverOfARemoteQuorum() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.ROLES, "broker")))
                .hasMessageContaining(NodeConfig.CONTROLLER_QUORUM);
        NodeConfig config = NodeConfig.parse(properties(NodeConfig.ROLES, "broker", NodeConfig.NODE_ID, "4",
                NodeConfig.CONTROLLER_QUORUM, "1@localhost:7093", NodeConfig.CLUSTER_ID, "c1"));
        assertThat(config.isBroker()).isTrue();
        assertThat(config.isController()).isFalse();
        assertThat(config.controllerQuorum()).doesNotContainKey(4);
    }

    @Test
    void controllerMustBeAVoter() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.NODE_ID, "4", NodeConfig.CONTROLLER_QUORUM,
                "1@localhost:7093", NodeConfig.CLUSTER_ID, "c1")))
                .hasMessageContaining("not among the voters");
    }

    @Test
    void singleNodeWithoutAnIdGetsARandomOneThatIsKept() throws Exception {
        ClusterIdentity first = ClusterIdentity.loadOrCreate(dataDir, 1, "", false, UUID::randomUUID);
        assertThat(first.clusterId()).isNotEmpty();
        assertThat(ClusterIdentity.loadOrCreate(dataDir, 1, "", false, UUID::randomUUID).clusterId())
                .isEqualTo(first.clusterId());
        assertThat(ClusterIdentity.loadOrCreate(dataDir, 1, first.clusterId(), false, UUID::randomUUID).clusterId())
                .isEqualTo(first.clusterId());
    }

    @Test
    void dataDirectoryOfAnotherClusterIsRefused() throws Exception {
        ClusterIdentity.loadOrCreate(dataDir, 1, "c1", false, UUID::randomUUID);
        assertThatThrownBy(() -> ClusterIdentity.loadOrCreate(dataDir, 1, "c2", false, UUID::randomUUID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to cluster c1");
    }

    @Test
    void badClusterIdIsRefused() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.CLUSTER_ID, "a b")))
                .hasMessageContaining("bad cluster.id");
    }
}
