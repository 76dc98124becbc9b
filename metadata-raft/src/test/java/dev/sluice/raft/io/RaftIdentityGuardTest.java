package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.identity.NodeIdentity;
import dev.sluice.proto.internal.v1.RaftError;
import dev.sluice.proto.internal.v1.SenderIdentity;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The receiving edge's identity decisions, on a hand-moved clock; node 1 of voters 1-3, fetch timeout 2 s. */
class RaftIdentityGuardTest {
    private static final long TIMEOUT_MS = 2000;
    private long nowMs = 50_000;
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMs);
    private final RaftIdentityGuard guard = new RaftIdentityGuard(1, "c1", "dir-1", Set.of(1, 2, 3), TIMEOUT_MS,
            clock);

    private static SenderIdentity sender(String clusterId, String directoryId) {
        return new NodeIdentity(clusterId, directoryId, "incarnation").toProto();
    }

    @Test
    void anotherClusterIsRefused() {
        assertThat(guard.check("Fetch", 2, sender("c2", "dir-2"), true))
                .isEqualTo(RaftError.RAFT_INCONSISTENT_CLUSTER_ID);
        assertThat(guard.check("Vote", 2, SenderIdentity.getDefaultInstance(), false))
                .as("a request without identity").isEqualTo(RaftError.RAFT_INCONSISTENT_CLUSTER_ID);
        assertThat(guard.check("Fetch", 2, sender("c1", "dir-2"), true)).isEqualTo(RaftError.RAFT_NONE);
    }

    @Test
    void requestsClaimingThisNodesOwnIdFromAnotherDirectoryAreRefused() {
        assertThat(guard.check("Vote", 1, sender("c1", "dir-x"), false))
                .isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(guard.check("Fetch", 1, sender("c1", "dir-x"), true))
                .isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
    }

    @Test
    void aVoterIdIsHeldByTheDirectoryThatFetchesAsIt() {
        assertThat(guard.check("Fetch", 2, sender("c1", "dir-2"), true)).isEqualTo(RaftError.RAFT_NONE);
        nowMs += TIMEOUT_MS;
        assertThat(guard.check("Fetch", 2, sender("c1", "impostor"), true))
                .isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(guard.check("Vote", 2, sender("c1", "impostor"), false))
                .isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(guard.check("Fetch", 2, sender("c1", "dir-2"), true)).isEqualTo(RaftError.RAFT_NONE);
        assertThat(guard.check("Vote", 3, sender("c1", "dir-3"), false)).as("another id")
                .isEqualTo(RaftError.RAFT_NONE);
    }

    @Test
    void aRestartOnANewDirectoryTakesTheIdOnceTheOldOneIsSilent() {
        guard.check("Fetch", 2, sender("c1", "dir-2"), true);
        nowMs += TIMEOUT_MS + 1;
        assertThat(guard.check("Fetch", 2, sender("c1", "wiped-and-restarted"), true)).isEqualTo(RaftError.RAFT_NONE);
        assertThat(guard.check("Fetch", 2, sender("c1", "dir-2"), true)).isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
    }

    @Test
    void aFollowerLearnsItsLeadersDirectoryFromItsFetchResponses() {
        guard.observeResponder(2, sender("c1", "dir-2"));
        nowMs += TIMEOUT_MS;
        assertThat(guard.check("Vote", 2, sender("c1", "impostor"), false))
                .as("a second process claiming the live leader's id").isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
        assertThat(guard.check("BeginQuorumEpoch", 2, sender("c1", "dir-2"), false)).isEqualTo(RaftError.RAFT_NONE);
        guard.observeResponder(2, sender("c1", "impostor"));
        assertThat(guard.check("Vote", 2, sender("c1", "dir-2"), false)).as("a response never takes over a live id")
                .isEqualTo(RaftError.RAFT_NONE);
        nowMs += TIMEOUT_MS + 1;
        assertThat(guard.check("Vote", 2, sender("c1", "impostor"), false)).as("the leader fell silent")
                .isEqualTo(RaftError.RAFT_NONE);
    }

    @Test
    void votesDoNotHoldAnIdSoAFollowerNeverRefusesAVoterItOnlyHearsAtElections() {
        assertThat(guard.check("Vote", 2, sender("c1", "impostor"), false)).isEqualTo(RaftError.RAFT_NONE);
        assertThat(guard.check("Vote", 2, sender("c1", "dir-2"), false)).isEqualTo(RaftError.RAFT_NONE);
    }

    @Test
    void twoObserversWithOneIdAreRefusedToo() {
        assertThat(guard.check("Fetch", 7, sender("c1", "broker-a"), true)).isEqualTo(RaftError.RAFT_NONE);
        assertThat(guard.check("Fetch", 7, sender("c1", "broker-b"), true))
                .as("the driver would hand each one the other's answers").isEqualTo(RaftError.RAFT_DUPLICATE_NODE_ID);
    }
}
