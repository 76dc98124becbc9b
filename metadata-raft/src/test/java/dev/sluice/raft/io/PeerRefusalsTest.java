package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.internal.v1.RaftError;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sending side: a peer that keeps refusing this node's id stops the process; a mismatch is only logged. */
class PeerRefusalsTest {
    private static final long LIMIT_MS = 6000;
    private long nowMs = 1000;
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMs);
    private final List<String> faults = new ArrayList<>();
    private final PeerRefusals refusals = new PeerRefusals(2, "c1", LIMIT_MS, clock,
            (message, cause) -> faults.add(message));

    @Test
    void refusalsOfThisNodesIdThatOutlastTheLimitStopTheProcessOnce() {
        assertThat(refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID).getMessage())
                .contains("node 1 refused node 2").contains("another live process");
        nowMs += LIMIT_MS;
        refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(faults).as("exactly the limit").isEmpty();
        nowMs += 1;
        refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID);
        refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(faults).hasSize(1);
        assertThat(faults.get(0)).contains("for " + (LIMIT_MS + 1) + " ms").contains("--node-id");
    }

    @Test
    void aNormalAnswerEndsARunOfRefusals() {
        refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID);
        nowMs += LIMIT_MS;
        refusals.answered(1);
        nowMs += 1;
        refusals.refused(1, RaftError.RAFT_DUPLICATE_NODE_ID);
        refusals.refused(3, RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(faults).as("a restart on a new directory is accepted after a while").isEmpty();
    }

    @Test
    void aClusterMismatchIsNeverFatal() {
        assertThat(refusals.refused(1, RaftError.RAFT_INCONSISTENT_CLUSTER_ID).getMessage())
                .contains("another cluster than c1");
        nowMs += 10 * LIMIT_MS;
        refusals.refused(1, RaftError.RAFT_INCONSISTENT_CLUSTER_ID);
        assertThat(faults).isEmpty();
        assertThat(PeerRefusals.isRefusal(RaftError.RAFT_NOT_LEADER)).isFalse();
    }
}
