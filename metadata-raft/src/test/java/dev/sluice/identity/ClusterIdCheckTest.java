package dev.sluice.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.internal.v1.SenderIdentity;
import org.junit.jupiter.api.Test;

class ClusterIdCheckTest {
    private final ClusterIdCheck check = new ClusterIdCheck(1, "c1");

    @Test
    void acceptsItsOwnClusterAndRefusesAnyOtherOrNone() {
        assertThat(check.refusal("Raft", 2, new NodeIdentity("c1", "d", "i").toProto())).isNull();
        assertThat(check.refusal("Raft", 2, new NodeIdentity("c2", "d", "i").toProto()))
                .contains("node 1 belongs to cluster c1").contains("node 2").contains("cluster c2");
        assertThat(check.refusal("Raft", 2, new NodeIdentity("c2", "d", "i").toProto()))
                .as("refused again (logged once)").isNotNull();
        assertThat(check.refusal("Controller", -1, SenderIdentity.getDefaultInstance()))
                .contains("a node").contains("no cluster id");
    }
}
