package dev.sluice.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Snapshot scenarios, stepping pure cores by hand with a fake clock: log start, catch-up, divergence. */
class RaftCoreSnapshotScenarioTest {

    private static LogEntry entry(long offset, int epoch, String payload) {
        return new LogEntry(offset, epoch, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Notification.SnapshotLoaded> loadedSnapshots(CoreCluster cluster, int nodeId) {
        List<Notification.SnapshotLoaded> loaded = new ArrayList<>();
        for (Notification notification : cluster.notifications.get(nodeId)) {
            if (notification instanceof Notification.SnapshotLoaded snapshot) {
                loaded.add(snapshot);
            }
        }
        return loaded;
    }

    @Test
    void followerBelowTheLeadersLogStartCatchesUpFromItsSnapshotInChunks() {
        CoreCluster cluster = new CoreCluster(Set.of(1, 2, 3), Set.of(9), 11);
        cluster.snapshotIntervalEntries = 10;
        for (int nodeId : List.of(1, 2, 3, 9)) {
            cluster.start(nodeId);
        }
        cluster.runFor(1_000);
        int leaderId = cluster.leader();
        int laggingId = leaderId == 1 ? 2 : 1;
        cluster.isolate(laggingId);
        cluster.isolate(9);
        long laggingEnd = cluster.cores.get(laggingId).logEndOffset();
        for (int i = 0; i < 60; i++) {
            cluster.append(leaderId, "entry-" + i);
            cluster.runFor(10);
        }
        RaftCore leader = cluster.cores.get(leaderId);
        assertThat(leader.logStartOffset()).as("two snapshots moved the log start past the lagging follower")
            .isGreaterThan(laggingEnd);
        assertThat(cluster.storages.get(leaderId).startOffset).isEqualTo(leader.logStartOffset());
        assertThat(leader.latestSnapshot().data().length).as("the snapshot takes several chunks").isGreaterThan(64);

        cluster.heal();
        cluster.runFor(500);
        for (int nodeId : List.of(laggingId, 9)) {
            RaftCore core = cluster.cores.get(nodeId);
            assertThat(loadedSnapshots(cluster, nodeId)).isNotEmpty();
            assertThat(core.highWatermark()).isEqualTo(leader.highWatermark());
            assertThat(core.logEndOffset()).isEqualTo(leader.logEndOffset());
            assertThat(cluster.stateMachines.get(nodeId).applied())
                .isEqualTo(cluster.stateMachines.get(leaderId).applied()).hasSize(60);
        }
        // Restarted from storage, the caught-up follower loads its snapshot and replays the rest of its log.
        cluster.start(laggingId);
        cluster.runFor(300);
        assertThat(cluster.stateMachines.get(laggingId).applied()).hasSize(60);
    }

    @Test
    void followerDivergingRightAtTheLeadersLogStartTruncatesWithoutASnapshot() {
        CoreCluster cluster = new CoreCluster(Set.of(1, 2, 3), Set.of(), 5);
        List<LogEntry> common = List.of(entry(0, 1, ""), entry(1, 1, "a"), entry(2, 1, "b"));
        // Node 1 wrote epoch-2 entries nobody else has, right after the committed prefix.
        SimStorage stale = cluster.storages.get(1);
        stale.entries.addAll(common);
        stale.entries.addAll(List.of(entry(3, 2, ""), entry(4, 2, "lost")));
        stale.quorumState = new QuorumState(2, 1, 1);
        // Nodes 2 and 3 moved on in epoch 3 and snapshotted the committed prefix: their logs start at 3.
        Snapshot snapshot = new Snapshot(3, 1, "a\nb".getBytes(StandardCharsets.UTF_8));
        for (int nodeId : List.of(2, 3)) {
            SimStorage storage = cluster.storages.get(nodeId);
            storage.snapshots.put(3L, snapshot);
            storage.startOffset = 3;
            storage.startEpoch = 1;
            storage.entries.addAll(List.of(entry(3, 3, ""), entry(4, 3, "c")));
            storage.quorumState = new QuorumState(3, 2, 2);
        }
        for (int nodeId : List.of(1, 2, 3)) {
            cluster.start(nodeId);
        }
        cluster.runFor(3_000);
        int leaderId = cluster.leader();
        assertThat(leaderId).isIn(2, 3);
        cluster.append(leaderId, "d");
        cluster.runFor(300);
        assertThat(loadedSnapshots(cluster, 1)).as("the epoch before the log start is known: no snapshot").isEmpty();
        assertThat(cluster.storages.get(1).entries.subList(3, cluster.storages.get(1).entries.size()))
            .isEqualTo(cluster.storages.get(leaderId).entries);
        assertThat(cluster.stateMachines.get(1).applied()).containsExactly("a", "b", "c", "d");
        assertThat(cluster.stateMachines.get(leaderId).applied()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void followerWhoseLastEpochPredatesTheLeadersLogStartLoadsTheSnapshot() {
        CoreCluster cluster = new CoreCluster(Set.of(1, 2, 3), Set.of(), 6);
        // Node 1 has epoch-1 entries past offset 3 that were never committed; the others committed epoch-2 entries
        // there and snapshotted through offset 5, so their log knows nothing of epoch 1.
        SimStorage stale = cluster.storages.get(1);
        stale.entries.addAll(List.of(entry(0, 1, ""), entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "x"),
            entry(4, 1, "y"), entry(5, 1, "z"), entry(6, 1, "w")));
        stale.quorumState = new QuorumState(1, 1, 1);
        Snapshot snapshot = new Snapshot(5, 2, "a\nb\nc".getBytes(StandardCharsets.UTF_8));
        for (int nodeId : List.of(2, 3)) {
            SimStorage storage = cluster.storages.get(nodeId);
            storage.snapshots.put(5L, snapshot);
            storage.startOffset = 5;
            storage.startEpoch = 2;
            storage.entries.addAll(List.of(entry(5, 2, "d"), entry(6, 3, "")));
            storage.quorumState = new QuorumState(3, 2, 2);
        }
        for (int nodeId : List.of(1, 2, 3)) {
            cluster.start(nodeId);
        }
        cluster.runFor(3_000);
        int leaderId = cluster.leader();
        cluster.append(leaderId, "e");
        cluster.runFor(300);
        assertThat(loadedSnapshots(cluster, 1)).extracting(loaded -> loaded.snapshot().id())
            .containsExactly(new OffsetAndEpoch(5, 2));
        assertThat(cluster.cores.get(1).logStartOffset()).isEqualTo(5);
        assertThat(cluster.storages.get(1).snapshots.keySet()).containsExactly(5L);
        assertThat(cluster.stateMachines.get(1).applied()).containsExactly("a", "b", "c", "d", "e");
    }
}
