package dev.sluice.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Protocol scenarios, stepping pure cores by hand with a fake clock. */
class RaftCoreScenarioTest {

    private static CoreCluster threeVoters() {
        return new CoreCluster(Set.of(1, 2, 3), Set.of(), 42);
    }

    @Test
    void electsOneLeaderThatEveryVoterFollows() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        assertThat(leaderId).isPositive();
        int epoch = cluster.cores.get(leaderId).epoch();
        for (RaftCore core : cluster.cores.values()) {
            assertThat(core.leaderId()).isEqualTo(leaderId);
            assertThat(core.epoch()).isEqualTo(epoch);
            assertThat(core.highWatermark()).isEqualTo(1);
        }
        assertThat(cluster.notifications.get(leaderId))
            .contains(new Notification.LeaderChanged(leaderId, epoch, 0));
    }

    @Test
    void commitsOnMajorityAndEveryNodeSeesTheSameEntries() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        cluster.append(leaderId, "a");
        cluster.append(leaderId, "b");
        cluster.runFor(200);
        for (int nodeId : cluster.cores.keySet()) {
            assertThat(cluster.committedPayloads(nodeId)).containsExactly("a", "b");
        }
    }

    /**
     * A leader that receives a request claiming to come from itself (two voters listed under one address, or an
     * impostor with its id) keeps leading; it used to stop on "leader of epoch 1 told of another leader".
     */
    @Test
    void aRequestClaimingToComeFromThisNodeIsDropped() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        RaftCore leader = cluster.cores.get(leaderId);
        int epoch = leader.epoch();

        RaftEffects effects = leader.handle(new RaftMessage.BeginQuorumEpochRequest(leaderId, epoch), cluster.nowMs);

        assertThat(leader.role()).isInstanceOf(Leader.class);
        assertThat(leader.epoch()).isEqualTo(epoch);
        assertThat(effects.messages()).as("no answer to itself").noneMatch(m -> m.destinationId() == leaderId);
        cluster.runFor(500);
        assertThat(cluster.leader()).isEqualTo(leaderId);
    }

    @Test
    void singleVoterElectsItselfOnTheFirstTick() {
        CoreCluster cluster = new CoreCluster(Set.of(1), Set.of(), 1);
        RaftCore core = cluster.cores.get(1);
        assertThat(core.role()).isInstanceOf(Leader.class);
        assertThat(core.highWatermark()).isEqualTo(1);
        assertThat(cluster.append(1, "x")).isEqualTo(1);
        assertThat(core.highWatermark()).isEqualTo(2);
        assertThat(cluster.committedPayloads(1)).containsExactly("x");
    }

    @Test
    void preVoteOfADisconnectedFollowerIsRefusedAndDoesNotBumpTheEpoch() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        int epoch = cluster.cores.get(leaderId).epoch();
        int isolatedId = leaderId == 1 ? 2 : 1;
        // Cut only the isolated follower's link to the leader; it can still reach the third voter.
        cluster.cutLinks.add(isolatedId + "-" + leaderId);
        cluster.cutLinks.add(leaderId + "-" + isolatedId);
        cluster.runFor(2_000);
        RaftCore isolated = cluster.cores.get(isolatedId);
        assertThat(isolated.role()).isNotInstanceOf(Leader.class).isNotInstanceOf(RaftRole.Candidate.class);
        assertThat(cluster.leader()).isEqualTo(leaderId);
        assertThat(cluster.cores.get(leaderId).epoch()).isEqualTo(epoch);
        assertThat(isolated.epoch()).isEqualTo(epoch);
        cluster.heal();
        cluster.runFor(500);
        assertThat(isolated.leaderId()).isEqualTo(leaderId);
    }

    @Test
    void survivorsOfADeadLeaderElectANewOneEvenWhenTheirFetchTimersAreOffset() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int deadId = cluster.leader();
        int early = deadId == 1 ? 2 : 1;
        // The early follower loses the leader 60 ms before the other one does, so their fetch timeouts are offset:
        // each goes prospective while the other still follows the dead leader (first by contact, then by hint).
        cluster.cutLinks.add(early + "-" + deadId);
        cluster.cutLinks.add(deadId + "-" + early);
        cluster.runFor(60);
        cluster.cores.remove(deadId);
        cluster.runFor(3_000);
        int newLeader = cluster.leader();
        assertThat(newLeader).isNotEqualTo(-1).isNotEqualTo(deadId);
        cluster.cores.values().forEach(core -> assertThat(core.leaderId()).isEqualTo(newLeader));
    }

    @Test
    void followerTruncatesItsDivergentSuffixAndCatchesUp() {
        CoreCluster cluster = threeVoters();
        // Node 1 led epoch 2 and wrote two entries nobody else got; nodes 2 and 3 moved on to epoch 3 under 2.
        List<LogEntry> common = List.of(new LogEntry(0, 1, new byte[0]), new LogEntry(1, 1, "x".getBytes()));
        cluster.storages.get(1).entries.addAll(common);
        cluster.storages.get(1).entries.addAll(List.of(new LogEntry(2, 2, new byte[0]),
            new LogEntry(3, 2, "lost-1".getBytes()), new LogEntry(4, 2, "lost-2".getBytes())));
        cluster.storages.get(1).quorumState = new QuorumState(2, 1, 1);
        for (int nodeId : List.of(2, 3)) {
            cluster.storages.get(nodeId).entries.addAll(common);
            cluster.storages.get(nodeId).entries.add(new LogEntry(2, 3, new byte[0]));
            cluster.storages.get(nodeId).quorumState = new QuorumState(3, 2, 2);
        }
        for (int nodeId : List.of(1, 2, 3)) {
            cluster.start(nodeId);
        }
        // Node 2 restarts resigned (it was leader); let the quorum elect a leader of epoch 4 and replicate.
        cluster.runFor(3_000);
        int leaderId = cluster.leader();
        assertThat(leaderId).isIn(2, 3);
        cluster.append(leaderId, "y");
        cluster.runFor(300);
        List<LogEntry> expected = cluster.storages.get(leaderId).entries;
        assertThat(cluster.storages.get(1).entries).isEqualTo(expected);
        assertThat(cluster.committedPayloads(1)).containsExactly("x", "y");
    }

    @Test
    void leaderWithoutAMajorityFetchingResigns() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        cluster.isolate(leaderId);
        RaftConfig config = cluster.config(leaderId);
        cluster.runFor(config.fetchTimeoutMs() - 20);
        assertThat(cluster.cores.get(leaderId).role()).isInstanceOf(Leader.class);
        cluster.runFor(40);
        assertThat(cluster.cores.get(leaderId).role()).isInstanceOf(RaftRole.Resigned.class);
    }

    @Test
    void observerReplicatesButIsNotCountedForTheHighWatermark() {
        CoreCluster cluster = new CoreCluster(Set.of(1, 2, 3), Set.of(9), 7);
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        assertThat(cluster.cores.get(9).leaderId()).isEqualTo(leaderId);
        for (int nodeId : List.of(1, 2, 3)) {
            if (nodeId != leaderId) {
                cluster.isolate(nodeId);
            }
        }
        long highWatermark = cluster.cores.get(leaderId).highWatermark();
        long offset = cluster.append(leaderId, "z");
        cluster.runFor(100);
        assertThat(cluster.cores.get(9).logEndOffset()).isEqualTo(offset + 1);
        assertThat(cluster.cores.get(leaderId).highWatermark()).isEqualTo(highWatermark);
        assertThat(cluster.committedPayloads(9)).doesNotContain("z");
    }

    @Test
    void gracefulResignationHandsOverToTheFirstSuccessorQuickly() {
        CoreCluster cluster = threeVoters();
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        int epoch = cluster.cores.get(leaderId).epoch();
        cluster.apply(leaderId, cluster.cores.get(leaderId).resign(cluster.nowMs));
        cluster.deliverAll();
        cluster.runFor(50);
        int newLeaderId = cluster.leader();
        assertThat(newLeaderId).isNotEqualTo(leaderId).isPositive();
        assertThat(cluster.cores.get(newLeaderId).epoch()).isEqualTo(epoch + 1);
    }
}
