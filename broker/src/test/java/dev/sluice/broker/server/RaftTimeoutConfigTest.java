package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.raft.RaftConfig;
import dev.sluice.raft.io.RaftNodeConfig;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code controller.quorum.election.timeout.ms} and {@code controller.quorum.fetch.timeout.ms}: the defaults are the
 * Raft timeouts every node used before they were settings, and a bad value is refused by {@link NodeConfig#parse},
 * naming the key, before anything starts.
 */
class RaftTimeoutConfigTest {

    private static NodeConfig parse(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return NodeConfig.parse(properties);
    }

    @Test
    void theDefaultsAreTheRaftNodeDefaults() {
        NodeConfig config = NodeConfig.parse(new Properties());
        assertThat(config.quorumElectionTimeoutMs()).isEqualTo(RaftNodeConfig.DEFAULT_ELECTION_TIMEOUT_MS)
                .isEqualTo(1000);
        assertThat(config.quorumFetchTimeoutMs()).isEqualTo(RaftNodeConfig.DEFAULT_FETCH_TIMEOUT_MS).isEqualTo(2000);
        assertThat(NodeConfig.DEFAULTS).containsEntry(NodeConfig.QUORUM_ELECTION_TIMEOUT_MS, "1000")
                .containsEntry(NodeConfig.QUORUM_FETCH_TIMEOUT_MS, "2000");
    }

    @Test
    void valuesAreParsedAndKeptByWithAdoptDataDir() {
        assertThat(parse(NodeConfig.QUORUM_ELECTION_TIMEOUT_MS, "250").quorumElectionTimeoutMs()).isEqualTo(250);
        assertThat(parse(NodeConfig.QUORUM_FETCH_TIMEOUT_MS, " 5000 ").quorumFetchTimeoutMs()).isEqualTo(5000);
        NodeConfig adopted = parse(NodeConfig.QUORUM_FETCH_TIMEOUT_MS, "10").withAdoptDataDir(true);
        assertThat(adopted.quorumFetchTimeoutMs()).isEqualTo(10);
        assertThat(adopted.quorumElectionTimeoutMs()).isEqualTo(1000);
    }

    @Test
    void aTimeoutBelowTenMillisecondsIsRefused() {
        for (String key : new String[] {NodeConfig.QUORUM_ELECTION_TIMEOUT_MS, NodeConfig.QUORUM_FETCH_TIMEOUT_MS}) {
            assertThatThrownBy(() -> parse(key, "0")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be at least 10, got 0");
            assertThatThrownBy(() -> parse(key, "-1000")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be at least 10, got -1000");
            assertThatThrownBy(() -> parse(key, "9")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be at least 10, got 9");
        }
    }

    @Test
    void aTimeoutThatIsNoNumberOrTooLargeIsRefused() {
        for (String key : new String[] {NodeConfig.QUORUM_ELECTION_TIMEOUT_MS, NodeConfig.QUORUM_FETCH_TIMEOUT_MS}) {
            assertThatThrownBy(() -> parse(key, "2s")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be a number, got '2s'");
            assertThatThrownBy(() -> parse(key, "2147483648")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " must be at most 2147483647, got 2147483648");
        }
    }

    @Test
    void theSmallestTimeoutsStillMakeAValidRaftConfig() {
        NodeConfig config = parse(NodeConfig.QUORUM_FETCH_TIMEOUT_MS, "10");
        // RaftConfig refuses a fetch timeout its derived long-poll wait and request timeout do not fit in.
        assertThat(RaftConfig.of(1, Set.of(1), NodeConfig.MIN_QUORUM_TIMEOUT_MS, config.quorumFetchTimeoutMs())
                .fetchTimeoutMs()).isEqualTo(10);
    }
}
