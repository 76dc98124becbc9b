package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Startup errors of {@code controller.quorum.voters} that used to be accepted silently: a voter listed twice, two
 * voters on one address, a controller whose own entry is not where it listens, a broker-only node with a voter's id.
 * All are {@link IllegalArgumentException}s from {@link NodeConfig#parse}, before anything is started or written.
 */
class QuorumConfigTest {
    private static final String QUORUM = "1@127.0.0.1:7093,2@127.0.0.1:7103,3@127.0.0.1:7113";

    private static NodeConfig parse(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.CLUSTER_ID, "c1");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return NodeConfig.parse(properties);
    }

    /** Node 2 of {@link #QUORUM}, listening on {@code host}:{@code port}, with {@code quorum}. */
    private static NodeConfig nodeTwo(String quorum, String host, int port) {
        return parse(NodeConfig.NODE_ID, "2", NodeConfig.CONTROLLER_QUORUM, quorum, NodeConfig.HOST, host,
                NodeConfig.CONTROLLER_PORT, Integer.toString(port));
    }

    @Test
    void aConsistentQuorumIsAccepted() {
        assertThat(nodeTwo(QUORUM, "127.0.0.1", 7103).controllerQuorum()).hasSize(3);
    }

    @Test
    void aVoterListedTwiceIsRefused() {
        assertThatThrownBy(() -> nodeTwo(QUORUM + ",2@127.0.0.1:7123", "127.0.0.1", 7103))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voter 2 is listed twice");
    }

    @Test
    void twoVotersOnOneAddressAreRefused() {
        assertThatThrownBy(() -> nodeTwo("1@127.0.0.1:7093,2@127.0.0.1:7103,3@127.0.0.1:7103", "127.0.0.1", 7103))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("voters 2 and 3 have the same address");
    }

    @Test
    void aControllerWhoseOwnEntryNamesAnotherPortIsRefused() {
        assertThatThrownBy(() -> nodeTwo(QUORUM, "127.0.0.1", 7203)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 2's own entry 2@127.0.0.1:7103").hasMessageContaining("has port 7103")
                .hasMessageContaining("controller.port 7203");
    }

    @Test
    void aControllerWhoseOwnEntryNamesAnotherAddressIsRefused() {
        assertThatThrownBy(() -> nodeTwo(QUORUM, "127.0.0.2", 7103)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has host 127.0.0.1").hasMessageContaining("host 127.0.0.2");
        assertThatThrownBy(() -> nodeTwo("1@localhost:7093,2@localhost:7103", "10.1.2.3", 7103))
                .hasMessageContaining("has host localhost");
    }

    @Test
    void hostsThatMayBeTheSameAreNotJudged() {
        assertThat(nodeTwo("1@broker-1.example:7093,2@broker-2.example:7103", "10.1.2.3", 7103)).isNotNull();
        assertThat(nodeTwo("1@localhost:7093,2@localhost:7103", "127.0.0.1", 7103)).isNotNull();
        assertThat(nodeTwo(QUORUM, "0.0.0.0", 7103)).as("listens on every address").isNotNull();
    }

    @Test
    void aBrokerOnlyNodeWithAVotersIdIsRefused() {
        assertThatThrownBy(() -> parse(NodeConfig.NODE_ID, "2", NodeConfig.ROLES, "broker",
                NodeConfig.CONTROLLER_QUORUM, QUORUM)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 2 is a voter").hasMessageContaining("does not have the controller role");
        assertThat(parse(NodeConfig.NODE_ID, "4", NodeConfig.ROLES, "broker", NodeConfig.CONTROLLER_QUORUM, QUORUM)
                .isBroker()).isTrue();
    }

    @Test
    void theDefaultSingleNodeQuorumIsItsOwnEntry() {
        Properties none = new Properties();
        assertThat(NodeConfig.parse(none).controllerQuorum()).containsKey(1);
        assertThat(parse(NodeConfig.CONTROLLER_PORT, "0").controllerQuorum().get(1).getPort()).isZero();
    }
}
