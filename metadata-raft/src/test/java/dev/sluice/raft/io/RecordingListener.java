package dev.sluice.raft.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RaftListener} that records what it is told, for assertions from the test thread. Its state is the list
 * of commits; its snapshot is that list as text, one "offset epoch payload" line per commit.
 */
final class RecordingListener implements RaftListener {
    record Commit(long offset, int epoch, String payload) {
    }

    record LeaderChange(int leaderId, int epoch, long epochStartOffset) {
    }

    record LoadedSnapshot(long endOffset, int epoch) {
    }

    final List<Commit> commits = new CopyOnWriteArrayList<>();
    final List<LeaderChange> leaderChanges = new CopyOnWriteArrayList<>();
    final List<Long> markers = new CopyOnWriteArrayList<>();
    final List<LoadedSnapshot> loadedSnapshots = new CopyOnWriteArrayList<>();
    volatile int snapshotsCreated;

    @Override
    public void handleCommit(long offset, int epoch, byte[] payload) {
        if (payload.length == 0) {
            markers.add(offset);  // a leader's epoch marker
            return;
        }
        commits.add(new Commit(offset, epoch, new String(payload, StandardCharsets.UTF_8)));
    }

    @Override
    public void handleLeaderChange(int leaderId, int epoch, long epochStartOffset) {
        leaderChanges.add(new LeaderChange(leaderId, epoch, epochStartOffset));
    }

    @Override
    public byte[] createSnapshot() {
        snapshotsCreated++;
        StringBuilder text = new StringBuilder();
        for (Commit commit : commits) {
            text.append(commit.offset()).append(' ').append(commit.epoch()).append(' ').append(commit.payload())
                .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handleSnapshot(long snapshotEndOffset, int epoch, byte[] snapshot) {
        List<Commit> loaded = new ArrayList<>();
        for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                String[] fields = line.split(" ", 3);
                loaded.add(new Commit(Long.parseLong(fields[0]), Integer.parseInt(fields[1]), fields[2]));
            }
        }
        commits.clear();
        commits.addAll(loaded);
        loadedSnapshots.add(new LoadedSnapshot(snapshotEndOffset, epoch));
    }

    List<String> payloads() {
        return commits.stream().map(Commit::payload).toList();
    }
}
