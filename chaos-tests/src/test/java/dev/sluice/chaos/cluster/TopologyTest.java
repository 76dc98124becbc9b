package dev.sluice.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologyTest {
    @Test
    void combinedIsThreeNodesWithBothRoles() {
        assertThat(Topology.COMBINED.brokerIds()).containsExactly(1, 2, 3);
        assertThat(Topology.COMBINED.controllerIds()).containsExactly(1, 2, 3);
    }

    @Test
    void splitIsThreeControllersAndThreeBrokers() {
        assertThat(Topology.SPLIT.controllerIds()).containsExactly(1, 2, 3);
        assertThat(Topology.SPLIT.brokerIds()).containsExactly(4, 5, 6);
        assertThat(Topology.parse("split")).isEqualTo(Topology.SPLIT);
    }
}
