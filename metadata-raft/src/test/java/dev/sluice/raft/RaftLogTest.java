package dev.sluice.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The log's start offset, start epoch and snapshot bookkeeping. */
class RaftLogTest {

    private static RaftLog logWithEpochs(int... epochs) {
        RaftLog log = RaftLog.of(List.of());
        for (int epoch : epochs) {
            log.append(new LogEntry(log.endOffset(), epoch, new byte[] {1}));
        }
        return log;
    }

    @Test
    void snapshotsMoveTheStartAndKeepTheEpochBeforeIt() {
        RaftLog log = logWithEpochs(1, 1, 2, 2, 2, 3, 3);
        log.addSnapshot(new Snapshot(4, 2, new byte[0]), 0);
        assertThat(log.startOffset()).isZero();
        log.addSnapshot(new Snapshot(6, 3, new byte[0]), 4);
        assertThat(log.startOffset()).isEqualTo(4);
        assertThat(log.startEpoch()).isEqualTo(2);
        assertThat(log.epochBefore(4)).isEqualTo(2);
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new OffsetAndEpoch(5, 2));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new OffsetAndEpoch(7, 3));
        assertThat(log.endOffsetForEpoch(1)).as("older than anything the log knows").isNull();
        assertThatThrownBy(() -> log.entry(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.truncateFrom(3)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEpochEndingExactlyAtTheStartIsStillKnown() {
        RaftLog log = logWithEpochs(1, 1, 2, 4);
        log.addSnapshot(new Snapshot(3, 2, new byte[0]), 0);
        log.addSnapshot(new Snapshot(4, 4, new byte[0]), 3);
        assertThat(log.startOffset()).isEqualTo(3);
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new OffsetAndEpoch(3, 2));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new OffsetAndEpoch(3, 2));
        assertThat(log.endOffsetForEpoch(1)).isNull();
    }

    @Test
    void resetToAFetchedSnapshotEmptiesTheLog() {
        RaftLog log = logWithEpochs(1, 1, 2);
        log.resetTo(new Snapshot(10, 5, new byte[] {7}));
        assertThat(log.endOffsetAndEpoch()).isEqualTo(new OffsetAndEpoch(10, 5));
        assertThat(log.startOffset()).isEqualTo(10);
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new OffsetAndEpoch(10, 5));
        assertThat(log.endOffsetForEpoch(4)).isNull();
        log.append(new LogEntry(10, 6, new byte[0]));
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new OffsetAndEpoch(10, 5));
        assertThat(log.endOffsetForEpoch(6)).isEqualTo(new OffsetAndEpoch(11, 6));
    }

    @Test
    void aSnapshotMustMatchTheLogAndBeNewer() {
        RaftLog log = logWithEpochs(1, 1, 2);
        assertThatThrownBy(() -> log.addSnapshot(new Snapshot(2, 2, new byte[0]), 0))
            .isInstanceOf(IllegalStateException.class);
        log.addSnapshot(new Snapshot(2, 1, new byte[0]), 0);
        assertThatThrownBy(() -> log.addSnapshot(new Snapshot(2, 1, new byte[0]), 0))
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.addSnapshot(new Snapshot(4, 2, new byte[0]), 2))
            .isInstanceOf(IllegalStateException.class);
    }
}
