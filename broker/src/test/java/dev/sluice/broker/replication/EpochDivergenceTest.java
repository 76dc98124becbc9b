package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.EpochEndOffset;
import dev.sluice.broker.log.PartitionState.LeaderEpochEntry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EpochDivergenceTest {

    /** Epoch 1 wrote 0..9, epoch 3 wrote 10..19; the log ends at 20. */
    private static final List<LeaderEpochEntry> LEADER = List.of(new LeaderEpochEntry(1, 0),
            new LeaderEpochEntry(3, 10));

    @Test
    void latestEpochEndsAtTheLogEnd() {
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, 3)).isEqualTo(new EpochEndOffset(3, 20));
    }

    @Test
    void olderEpochEndsWhereTheNextStarts() {
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, 1)).isEqualTo(new EpochEndOffset(1, 10));
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, 2)).isEqualTo(new EpochEndOffset(1, 10));
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, 0)).isEqualTo(new EpochEndOffset(0, 0));
    }

    @Test
    void unknownEpochsAreUndefined() {
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, 4)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(EpochDivergence.endOffsetFor(LEADER, 20, -1)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(EpochDivergence.endOffsetFor(List.of(), 0, 2)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void aPrefixOfTheLeadersLogDoesNotDiverge() {
        assertThat(EpochDivergence.divergence(LEADER, 20, 7, 1)).isEmpty();
        assertThat(EpochDivergence.divergence(LEADER, 20, 10, 1)).isEmpty();
        assertThat(EpochDivergence.divergence(LEADER, 20, 15, 3)).isEmpty();
        assertThat(EpochDivergence.divergence(LEADER, 20, 0, -1)).isEmpty();
    }

    @Test
    void followerWithExtraRecordsOfAnOldEpochDiverges() {
        // The follower holds epoch-1 records up to 12 that the new leader never had.
        assertThat(EpochDivergence.divergence(LEADER, 20, 12, 1)).contains(new EpochEndOffset(1, 10));
    }

    @Test
    void followerWithAnEpochTheLeaderNeverSawDiverges() {
        assertThat(EpochDivergence.divergence(LEADER, 20, 9, 2)).contains(new EpochEndOffset(1, 10));
        assertThat(EpochDivergence.divergence(LEADER, 20, 25, 4)).contains(new EpochEndOffset(3, 20));
    }

    @Test
    void followerTruncatesToTheSmallerEndOfTheEpoch() {
        // Follower: epoch 1 wrote 0..7, epoch 2 (a leader that lost its tail) wrote 8..12.
        List<LeaderEpochEntry> follower = List.of(new LeaderEpochEntry(1, 0), new LeaderEpochEntry(2, 8));
        Optional<EpochEndOffset> diverging = EpochDivergence.divergence(LEADER, 20, 13, 2);
        assertThat(diverging).contains(new EpochEndOffset(1, 10));
        assertThat(EpochDivergence.truncationOffset(follower, 13, diverging.orElseThrow())).isEqualTo(8);
    }

    @Test
    void truncationIsBoundedByTheLeadersEndAndTheFollowersLogEnd() {
        List<LeaderEpochEntry> follower = List.of(new LeaderEpochEntry(1, 0));
        assertThat(EpochDivergence.truncationOffset(follower, 12, new EpochEndOffset(1, 10))).isEqualTo(10);
        assertThat(EpochDivergence.truncationOffset(follower, 6, new EpochEndOffset(1, 10))).isEqualTo(6);
        assertThat(EpochDivergence.truncationOffset(follower, 6, new EpochEndOffset(-1, 3))).isEqualTo(3);
    }

    @Test
    void repeatedFetchesConvergeWhenTheFollowerLacksTheLeadersEpoch() {
        // Leader: 1@0, 2@5, 4@12, end 15. Follower: 1@0, 3@7, end 9 (epoch 3 never reached the new leader).
        List<LeaderEpochEntry> leader = List.of(new LeaderEpochEntry(1, 0), new LeaderEpochEntry(2, 5),
                new LeaderEpochEntry(4, 12));
        List<LeaderEpochEntry> follower = List.of(new LeaderEpochEntry(1, 0), new LeaderEpochEntry(3, 7));
        EpochEndOffset first = EpochDivergence.divergence(leader, 15, 9, 3).orElseThrow();
        assertThat(first).isEqualTo(new EpochEndOffset(2, 12));
        long truncated = EpochDivergence.truncationOffset(follower, 9, first);
        assertThat(truncated).isEqualTo(7);
        List<LeaderEpochEntry> afterTruncation = List.of(new LeaderEpochEntry(1, 0));
        EpochEndOffset second = EpochDivergence.divergence(leader, 15, 7, 1).orElseThrow();
        assertThat(second).isEqualTo(new EpochEndOffset(1, 5));
        assertThat(EpochDivergence.truncationOffset(afterTruncation, 7, second)).isEqualTo(5);
        assertThat(EpochDivergence.divergence(leader, 15, 5, 1)).isEmpty();
    }
}
