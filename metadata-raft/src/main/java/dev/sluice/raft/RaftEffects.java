package dev.sluice.raft;

import java.util.List;

/**
 * What one call into {@link RaftCore} asks of the shell. The shell runs it in this order: make {@code writes}
 * durable (one synced write), send {@code messages}, hand {@code notifications} to the state machine, and call
 * {@link RaftCore#tick} again no later than {@code nextDeadlineMs}.
 */
public record RaftEffects(List<StorageOperation> writes, List<Outbound> messages,
                          List<Notification> notifications, long nextDeadlineMs) {
    public RaftEffects {
        writes = List.copyOf(writes);
        messages = List.copyOf(messages);
        notifications = List.copyOf(notifications);
    }

    public boolean isEmpty() {
        return writes.isEmpty() && messages.isEmpty() && notifications.isEmpty();
    }
}
