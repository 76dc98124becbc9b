package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderPartitionStateTest {

    private static final long LAG_MS = 30_000;
    private static final long BACKOFF_MS = 1_000;
    /** The followers' broker epoch (their registration). */
    private static final long EPOCH = 4;
    private long nowMs = 1_000_000;

    private LeaderPartitionState leader(List<Integer> replicas, List<Integer> isr, long logEnd, long hw) {
        return new LeaderPartitionState(1, new PartitionImage(replicas, isr, 1, 5, 10), logEnd, hw, nowMs, LAG_MS,
                BACKOFF_MS);
    }

    @Test
    void singleReplicaHighWatermarkFollowsTheLogEnd() {
        LeaderPartitionState state = leader(List.of(1), List.of(1), 0, 0);
        LeaderUpdate update = state.handleLocalAppend(3);
        assertThat(update.highWatermarkAdvanced()).isTrue();
        assertThat(update.highWatermark()).isEqualTo(3);
    }

    @Test
    void highWatermarkIsTheSmallestLogEndInTheIsrAndWaitsForEveryFollowersFirstFetch() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2, 3), 10, 4);
        assertThat(state.handleLocalAppend(20).highWatermarkAdvanced()).isFalse();
        assertThat(state.handleFollowerFetch(2, EPOCH, 15, 20, nowMs).highWatermarkAdvanced()).isFalse();
        LeaderUpdate update = state.handleFollowerFetch(3, EPOCH, 12, 20, nowMs);
        assertThat(update.highWatermark()).isEqualTo(12);
        assertThat(state.handleFollowerFetch(3, EPOCH, 20, 20, nowMs).highWatermark()).isEqualTo(15);
        assertThat(state.handleFollowerFetch(2, EPOCH, 20, 20, nowMs).highWatermark()).isEqualTo(20);
    }

    @Test
    void theLeaderCountsItselfOnlyUpToItsAcknowledgeableEnd() {
        LeaderPartitionState state = new LeaderPartitionState(1, new PartitionImage(List.of(1, 2), List.of(1, 2), 1,
                5, 10), 10, 10, 10, nowMs, LAG_MS, BACKOFF_MS);
        // Appended to 20 but synced (durable.acks) only to 12; the follower already has 20.
        state.handleLocalAppend(20, 12);
        assertThat(state.handleFollowerFetch(2, EPOCH, 20, 20, nowMs).highWatermark()).isEqualTo(12);
        LeaderUpdate synced = state.handleLocalAppend(20, 20);
        assertThat(synced.highWatermarkAdvanced()).isTrue();
        assertThat(synced.highWatermark()).isEqualTo(20);
        assertThatThrownBy(() -> state.handleLocalAppend(20, 21)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void highWatermarkNeverMovesBack() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1, 2), 10, 8);
        assertThat(state.handleFollowerFetch(2, EPOCH, 5, 10, nowMs).highWatermarkAdvanced()).isFalse();
        assertThat(state.highWatermark()).isEqualTo(8);
    }

    @Test
    void aLaggingFollowerIsProposedForRemovalAfterTheLagTime() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2, 3), 10, 10);
        state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs);
        state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs);
        state.handleLocalAppend(11);
        nowMs += LAG_MS;
        state.handleFollowerFetch(2, EPOCH, 11, 11, nowMs);
        assertThat(state.maybeShrinkIsr(nowMs).isrProposal()).isEmpty();
        nowMs += 1;
        IsrProposal proposal = state.maybeShrinkIsr(nowMs).isrProposal().orElseThrow();
        assertThat(proposal).isEqualTo(new IsrProposal(1, 5, 10, List.of(1, 2)));
        assertThat(state.maybeShrinkIsr(nowMs + 1).isrProposal()).as("one change in flight").isEmpty();
        // Until the change commits, follower 3 still holds the high watermark back.
        assertThat(state.highWatermark()).isEqualTo(10);
        LeaderUpdate applied = state.handlePartitionImage(new PartitionImage(List.of(1, 2, 3), List.of(1, 2), 1, 5,
                11), nowMs);
        assertThat(applied.highWatermark()).isEqualTo(11);
        assertThat(state.isr()).containsExactly(1, 2);
        assertThat(state.pendingIsrChange()).isNull();
    }

    @Test
    void anIdleFollowerAtTheLogEndStaysInSync() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1, 2), 10, 10);
        state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs);
        nowMs += 10 * LAG_MS;
        assertThat(state.maybeShrinkIsr(nowMs).isrProposal()).isEmpty();
    }

    @Test
    void aFollowerThatKeepsFetchingButNeverCatchesUpLeaves() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1, 2), 100, 0);
        for (int i = 1; i <= 40; i++) {
            nowMs += 1_000;
            state.handleLocalAppend(100 + 10L * i);
            state.handleFollowerFetch(2, EPOCH, 10L * i, 100 + 10L * i, nowMs);
        }
        assertThat(state.maybeShrinkIsr(nowMs).isrProposal()).isPresent();
    }

    @Test
    void aCaughtUpReplicaIsProposedForAdditionOnlyPastTheEpochStart() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs);
        assertThat(state.handleFollowerFetch(3, EPOCH, 9, 10, nowMs).isrProposal()).isEmpty();
        IsrProposal proposal = state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs).isrProposal().orElseThrow();
        assertThat(proposal.newIsr()).containsExactly(1, 2, 3);
        assertThat(state.maximalIsr()).containsExactlyInAnyOrder(1, 2, 3);
        // While the addition is in flight, the joining replica holds the high watermark back.
        state.handleLocalAppend(12);
        state.handleFollowerFetch(2, EPOCH, 12, 12, nowMs);
        assertThat(state.highWatermark()).isEqualTo(10);
    }

    @Test
    void anExpansionNamesTheBrokerEpochOfTheFetchThatCaughtTheReplicaUp() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        state.handleFollowerFetch(3, EPOCH, 4, 10, nowMs);
        IsrProposal proposal = state.handleFollowerFetch(3, EPOCH + 1, 10, 10, nowMs).isrProposal().orElseThrow();
        assertThat(proposal.newIsr()).containsExactly(1, 2, 3);
        assertThat(proposal.joiningEpochs()).containsExactly(java.util.Map.entry(3, EPOCH + 1));
    }

    /** Seen in chaos run 13: each such proposal was refused, and the refusal held the next back for the backoff. */
    @Test
    void aFollowerNotRegisteredYetIsNotProposedForTheIsr() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        assertThat(state.handleFollowerFetch(3, -1, 10, 10, nowMs).isrProposal()).isEmpty();
        assertThat(state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs).isrProposal()).isPresent();
    }

    /**
     * Seen in chaos runs: a fenced follower (cut off from the controller, not from its leaders) kept fetching, and its
     * leaders proposed it about every 100 ms, each proposal refused and holding the next back for the backoff.
     */
    @Test
    void aFollowerTheImageShowsFencedIsNotProposedForTheIsr() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        state.handleClusterImage(cluster(false, false, true));
        assertThat(state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs).isrProposal()).isEmpty();
        state.handleClusterImage(cluster(false, false));
        assertThat(state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs).isrProposal()).isEmpty();  // not registered
        state.handleClusterImage(cluster(false, false, false));
        assertThat(state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs).isrProposal()).get()
                .extracting(IsrProposal::newIsr).isEqualTo(List.of(1, 2, 3));
    }

    /** Brokers 1, 2, ... registered, fenced as given. */
    private static ClusterImage cluster(boolean... fenced) {
        java.util.TreeMap<Integer, BrokerRegistration> brokers = new java.util.TreeMap<>();
        for (int i = 0; i < fenced.length; i++) {
            brokers.put(i + 1, new BrokerRegistration(i + 1, EPOCH, "127.0.0.1", 7092 + i, "", fenced[i]));
        }
        return new ClusterImage(brokers);
    }

    /**
     * KIP-903: a fetch sent by a follower's previous process and delivered after one of its current process (which
     * may have an emptied log) must not count: not towards the high watermark, not towards the ISR.
     */
    @Test
    void aFetchFromAnEarlierBrokerEpochThanOneCountedIsStaleAndRefused() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        state.handleFollowerFetch(3, EPOCH + 1, 0, 10, nowMs);
        assertThat(state.isStaleFetch(3, EPOCH)).isTrue();
        assertThat(state.isStaleFetch(3, EPOCH + 1)).isFalse();
        assertThat(state.isStaleFetch(2, EPOCH)).isFalse();
        assertThatThrownBy(() -> state.handleFollowerFetch(3, EPOCH, 10, 10, nowMs))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broker epoch");
        assertThat(state.follower(3).logEndOffset()).isZero();
        assertThat(state.pendingIsrChange()).isNull();
    }

    @Test
    void aRefusedChangeIsDroppedAndRetriedAfterTheBackoff() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1), 10, 10);
        IsrProposal proposal = state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs).isrProposal().orElseThrow();
        state.handleIsrChangeResponse(proposal, ErrorCode.FENCED_EPOCH, nowMs);
        assertThat(state.pendingIsrChange()).isNull();
        assertThat(state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs + 1).isrProposal()).isEmpty();
        assertThat(state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs + BACKOFF_MS).isrProposal()).isPresent();
    }

    @Test
    void aSuccessfulChangeStaysPendingUntilTheImageShowsIt() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1), 10, 10);
        IsrProposal proposal = state.handleFollowerFetch(2, EPOCH, 10, 10, nowMs).isrProposal().orElseThrow();
        state.handleIsrChangeResponse(proposal, ErrorCode.NONE, nowMs);
        assertThat(state.pendingIsrChange()).isEqualTo(proposal);
        state.handlePartitionImage(new PartitionImage(List.of(1, 2), List.of(1, 2), 1, 5, 11), nowMs);
        assertThat(state.pendingIsrChange()).isNull();
        assertThat(state.isr()).containsExactly(1, 2);
    }

    @Test
    void minInsyncReplicasCountsTheCommittedIsr() {
        LeaderPartitionState state = leader(List.of(1, 2, 3), List.of(1, 2), 10, 10);
        assertThat(state.hasEnoughInSyncReplicas(2)).isTrue();
        assertThat(state.hasEnoughInSyncReplicas(3)).isFalse();
    }

    @Test
    void rejectsImagesOfAnotherLeaderEpochAndUnknownFollowers() {
        LeaderPartitionState state = leader(List.of(1, 2), List.of(1, 2), 10, 10);
        assertThatThrownBy(() -> state.handlePartitionImage(new PartitionImage(List.of(1, 2), List.of(1, 2), 1, 6,
                11), nowMs)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> state.handleFollowerFetch(7, EPOCH, 0, 10, nowMs))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
