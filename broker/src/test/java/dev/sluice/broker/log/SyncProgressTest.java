package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyncProgressTest {

    private static final FlushPolicy EVERY_THIRD_RECORD = new FlushPolicy(false, 3, Long.MAX_VALUE);

    @Test
    void withoutAPolicyEverythingAppendedCountsAtOnce() {
        SyncProgress progress = new SyncProgress(10);
        assertThat(progress.afterAppend(15, 5, FlushPolicy.NONE)).isFalse();
        assertThat(progress.acknowledgeableEnd()).isEqualTo(15);
        assertThat(progress.awaitsSync()).isFalse();
        assertThat(progress.hasUnsyncedData()).as("on disk only when the OS writes it back").isTrue();
    }

    @Test
    void durableAcksHoldEachAppendBackUntilASyncThatBeganAfterItCompletes() {
        SyncProgress progress = new SyncProgress(0);
        assertThat(progress.afterAppend(4, 4, FlushPolicy.DURABLE)).isTrue();
        SyncProgress.Capture first = progress.capture();
        assertThat(progress.afterAppend(9, 5, FlushPolicy.DURABLE)).isTrue();
        assertThat(progress.acknowledgeableEnd()).isZero();

        progress.afterSync(first);
        assertThat(progress.acknowledgeableEnd()).as("the sync began before the second append").isEqualTo(4);
        assertThat(progress.awaitsSync()).isTrue();

        progress.afterSync(progress.capture());
        assertThat(progress.acknowledgeableEnd()).isEqualTo(9);
        assertThat(progress.awaitsSync()).isFalse();
        assertThat(progress.hasUnsyncedData()).isFalse();
    }

    @Test
    void flushMessagesHoldsBackTheAppendThatReachesTheCountAndWhatFollowsIt() {
        SyncProgress progress = new SyncProgress(0);
        assertThat(progress.afterAppend(2, 2, EVERY_THIRD_RECORD)).isFalse();
        assertThat(progress.acknowledgeableEnd()).isEqualTo(2);
        assertThat(progress.afterAppend(3, 1, EVERY_THIRD_RECORD)).isTrue();
        // The next append needs no sync of its own, but it lies behind one that does.
        SyncProgress.Capture beforeFourth = progress.capture();
        progress.afterSync(new SyncProgress.Capture(2, 0));
        assertThat(progress.acknowledgeableEnd()).isEqualTo(2);
        assertThat(progress.afterAppend(4, 1, EVERY_THIRD_RECORD)).as("2 unsynced records since the sync at 2")
                .isFalse();
        assertThat(progress.acknowledgeableEnd()).as("behind the append that waits for its sync").isEqualTo(2);

        progress.afterSync(beforeFourth);
        assertThat(progress.acknowledgeableEnd()).as("3 synced; 3..4 needed no sync of its own").isEqualTo(4);
        assertThat(progress.hasUnsyncedData()).isTrue();
    }

    @Test
    void theAcknowledgeableEndNeverMovesBackWhileAppending() {
        SyncProgress progress = new SyncProgress(0);
        progress.afterAppend(5, 5, FlushPolicy.NONE);
        progress.afterAppend(8, 3, FlushPolicy.DURABLE);
        assertThat(progress.acknowledgeableEnd()).as("what counted before the durable append still counts")
                .isEqualTo(5);
        progress.afterSync(new SyncProgress.Capture(3, 0));
        assertThat(progress.acknowledgeableEnd()).isEqualTo(5);
    }

    @Test
    void aSyncThatBeganBeforeATruncationVouchesForNothing() {
        SyncProgress progress = new SyncProgress(0);
        progress.afterAppend(10, 10, FlushPolicy.DURABLE);
        SyncProgress.Capture beforeCut = progress.capture();
        progress.afterTruncation(4);
        progress.afterAppend(12, 8, FlushPolicy.DURABLE);

        progress.afterSync(beforeCut);
        assertThat(progress.acknowledgeableEnd()).as("0..4 never synced, 4..12 written after the capture").isZero();
        assertThat(progress.syncedEnd()).isZero();

        progress.afterSync(progress.capture());
        assertThat(progress.acknowledgeableEnd()).isEqualTo(12);
    }

    @Test
    void aResetLogHasNothingToSync() {
        SyncProgress progress = new SyncProgress(0);
        progress.afterAppend(10, 10, FlushPolicy.DURABLE);
        progress.afterReset(50);
        assertThat(progress.acknowledgeableEnd()).isEqualTo(50);
        assertThat(progress.awaitsSync()).isFalse();
        assertThat(progress.hasUnsyncedData()).isFalse();
    }

    @Test
    void policiesSayWhetherTheyPromiseDurableAcknowledgements() {
        assertThat(FlushPolicy.DURABLE.promisesDurableAcks()).isTrue();
        assertThat(new FlushPolicy(false, 1, Long.MAX_VALUE).promisesDurableAcks()).isTrue();
        assertThat(new FlushPolicy(false, 2, 0).promisesDurableAcks()).isFalse();
        assertThat(FlushPolicy.NONE.promisesDurableAcks()).isFalse();
    }
}
