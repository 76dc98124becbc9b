package dev.sluice.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state machine of one simulated node: the payloads of the committed entries it applied, in order. Its
 * snapshot is those payloads, one per line, so loading one can be checked against what was committed. Lost on a
 * crash and rebuilt from the snapshot and the log on restart, like a real one.
 */
final class SimStateMachine {
    private final List<String> applied = new ArrayList<>();
    private long nextOffset;

    long nextOffset() {
        return nextOffset;
    }

    List<String> applied() {
        return applied;
    }

    /** Applies a committed entry; returns an error message when it does not come next. */
    String apply(LogEntry entry) {
        if (entry.offset() != nextOffset) {
            return "commit at " + entry.offset() + " but the state machine expects " + nextOffset;
        }
        if (!entry.isLeaderChangeMarker()) {
            applied.add(new String(entry.payload(), StandardCharsets.UTF_8));
        }
        nextOffset++;
        return null;
    }

    Snapshot createSnapshot(OffsetAndEpoch snapshotId) {
        if (snapshotId.offset() != nextOffset) {
            throw new AssertionError("snapshot due at " + snapshotId.offset() + " but applied up to " + nextOffset);
        }
        return new Snapshot(snapshotId.offset(), snapshotId.epoch(),
            String.join("\n", applied).getBytes(StandardCharsets.UTF_8));
    }

    void load(Snapshot snapshot) {
        applied.clear();
        String text = new String(snapshot.data(), StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            applied.addAll(Arrays.asList(text.split("\n", -1)));
        }
        nextOffset = snapshot.endOffset();
    }
}
