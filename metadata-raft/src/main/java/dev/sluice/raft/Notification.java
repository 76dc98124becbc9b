package dev.sluice.raft;

/** What the shell hands to the state machine, in order, after the batch's writes are durable. */
public sealed interface Notification {

    /** The entry is committed: a majority of voters has it, and it will never be lost. */
    record Committed(LogEntry entry) implements Notification {
    }

    /**
     * The state machine must replace its state with the snapshot's; commits continue at its end offset. Sent on
     * start when storage held a snapshot, and when a snapshot fetched from the leader has been installed.
     */
    record SnapshotLoaded(Snapshot snapshot) implements Notification {
    }

    /**
     * Every entry below {@code snapshotId.offset()} has been handed over: the state machine should serialize its state
     * now, right after the commit at {@code snapshotId.offset() - 1}, and pass it to
     * {@link RaftCore#handleSnapshotCreated}.
     */
    record SnapshotDue(OffsetAndEpoch snapshotId) implements Notification {
    }

    /**
     * The known leader changed. {@code leaderId} is -1 when unknown. For this node as leader, it is sent once
     * its epoch marker at {@code epochStartOffset} is committed, after every earlier entry; otherwise
     * {@code epochStartOffset} is -1.
     */
    record LeaderChanged(int leaderId, int epoch, long epochStartOffset) implements Notification {
    }
}
