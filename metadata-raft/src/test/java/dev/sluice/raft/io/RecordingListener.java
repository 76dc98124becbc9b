package dev.sluice.raft.io;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link RaftListener} that records what it is told, for assertions from the test thread. */
final class RecordingListener implements RaftListener {
    record Commit(long offset, int epoch, String payload) {
    }

    record LeaderChange(int leaderId, int epoch, long epochStartOffset) {
    }

    final List<Commit> commits = new CopyOnWriteArrayList<>();
    final List<LeaderChange> leaderChanges = new CopyOnWriteArrayList<>();
    final List<Long> markers = new CopyOnWriteArrayList<>();

    @Override
    public void handleCommit(long offset, int epoch, byte[] payload) {
        if (payload.length == 0) {
            markers.add(offset);  // a leader's epoch marker
            return;
        }
        commits.add(new Commit(offset, epoch, new String(payload, java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public void handleLeaderChange(int leaderId, int epoch, long epochStartOffset) {
        leaderChanges.add(new LeaderChange(leaderId, epoch, epochStartOffset));
    }

    List<String> payloads() {
        return commits.stream().map(Commit::payload).toList();
    }
}
