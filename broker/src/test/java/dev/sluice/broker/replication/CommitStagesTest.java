package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.replication.CommitStages.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommitStagesTest {

    private record Sample(Stage stage, long nanos) { }

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Sample> samples = new ArrayList<>();
    private final CommitStages stages = new CommitStages(4, now::get, (stage, nanos) -> samples.add(
            new Sample(stage, nanos)));

    @Test
    void eachStageIsTimedFromTheAppendOnceAndPerFollower() {
        stages.appended(10);
        now.addAndGet(2);
        stages.sent(2, 10);
        stages.sent(2, 10);  // a second answer with the same data is no new sample
        now.addAndGet(3);
        stages.sent(3, 10);
        now.addAndGet(5);
        stages.stored(2, 10);
        now.addAndGet(10);
        stages.stored(3, 10);
        stages.committed(10);

        assertThat(samples).containsExactly(new Sample(Stage.FOLLOWER_READ, 2), new Sample(Stage.FOLLOWER_READ, 5),
                new Sample(Stage.FOLLOWER_STORED, 10), new Sample(Stage.FOLLOWER_STORED, 20),
                new Sample(Stage.COMMITTED, 20));
        assertThat(stages.uncommittedCount()).isZero();
    }

    @Test
    void onlyAppendsUpToTheOffsetAreMarkedAndCommitted() {
        stages.appended(5);
        now.addAndGet(1);
        stages.appended(9);
        now.addAndGet(1);
        stages.stored(2, 7);  // has offsets 0..6: the first append only
        stages.committed(7);

        assertThat(samples).containsExactly(new Sample(Stage.FOLLOWER_STORED, 2), new Sample(Stage.COMMITTED, 2));
        assertThat(stages.uncommittedCount()).isEqualTo(1);
    }

    @Test
    void theSlowestCommitKeepsItsStagesUntilTaken() {
        stages.appended(1);
        now.addAndGet(4);
        stages.sent(2, 1);
        now.addAndGet(6);
        stages.stored(2, 1);
        stages.committed(1);
        stages.appended(2);
        now.addAndGet(1);
        stages.committed(2);

        CommitStages.SlowCommit slowest = stages.takeSlowest().orElseThrow();
        assertThat(slowest.endOffset()).isEqualTo(1);
        assertThat(slowest.committedNanos()).isEqualTo(10);
        assertThat(slowest.readNanos()).isEqualTo(Map.of(2, 4L));
        assertThat(slowest.storedNanos()).isEqualTo(Map.of(2, 10L));
        assertThat(stages.takeSlowest()).isEmpty();
    }

    @Test
    void anAppendThatDoesNotMoveTheLogEndAddsNothingAndTheOldestAreForgottenBeyondTheBound() {
        stages.appended(1);
        stages.appended(1);
        for (long end = 2; end <= 6; end++) {
            stages.appended(end);
        }
        assertThat(stages.uncommittedCount()).isEqualTo(4);
        stages.committed(6);
        assertThat(samples).hasSize(4);  // ends 3..6; 1 and 2 were forgotten
    }

    @Test
    void describesTheSlowCommitForTheLog() {
        var commit = new CommitStages.SlowCommit(42, 812_400_000, Map.of(2, 3_100_000L),
                Map.of(2, 9_800_000L));
        assertThat(commit.describe()).isEqualTo("committed 812.4 ms after the append (end offset 42); "
                + "replica 2: sent after 3.1 ms, stored after 9.8 ms");
    }

    @Test
    void dataStoredBeforeItsSendingWasSeenIsNeverCountedAsSentLater() {
        stages.appended(10);
        now.addAndGet(5);
        stages.stored(2, 10);  // the answer that carried it was cut short by the byte limit: not timed
        stages.appended(20);
        now.addAndGet(5);
        stages.sent(2, 20);
        stages.stored(2, 20);
        stages.committed(20);

        assertThat(samples).containsExactly(new Sample(Stage.FOLLOWER_STORED, 5), new Sample(Stage.FOLLOWER_READ, 5),
                new Sample(Stage.FOLLOWER_STORED, 5), new Sample(Stage.COMMITTED, 10), new Sample(Stage.COMMITTED, 5));
        assertThat(stages.takeSlowest().orElseThrow().readNanos()).isEqualTo(Map.of(2, -1L));
    }

    @Test
    void refusesANonPositiveBound() {
        assertThatThrownBy(() -> new CommitStages(0, now::get, CommitStages.Sink.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
