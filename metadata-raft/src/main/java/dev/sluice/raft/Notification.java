package dev.sluice.raft;

/** What the shell hands to the state machine, in order, after the batch's writes are durable. */
public sealed interface Notification {

    /** The entry is committed: a majority of voters has it, and it will never be lost. */
    record Committed(LogEntry entry) implements Notification {
    }

    /**
     * The known leader changed. {@code leaderId} is -1 when unknown. For this node as leader, it is sent once
     * its epoch marker at {@code epochStartOffset} is committed, after every earlier entry; otherwise
     * {@code epochStartOffset} is -1.
     */
    record LeaderChanged(int leaderId, int epoch, long epochStartOffset) implements Notification {
    }
}
