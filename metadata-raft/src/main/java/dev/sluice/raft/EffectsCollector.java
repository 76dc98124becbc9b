package dev.sluice.raft;

import java.util.ArrayList;
import java.util.List;

/** Gathers the effects of one call into the core; drained into an immutable {@link RaftEffects}. Not shared. */
final class EffectsCollector {
    private final List<StorageOperation> writes = new ArrayList<>();
    private final List<Outbound> messages = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();

    void write(StorageOperation operation) {
        writes.add(operation);
    }

    void send(int destinationId, RaftMessage message) {
        messages.add(new Outbound(destinationId, message));
    }

    void notify(Notification notification) {
        notifications.add(notification);
    }

    RaftEffects drain(long nextDeadlineMs) {
        RaftEffects effects = new RaftEffects(writes, messages, notifications, nextDeadlineMs);
        writes.clear();
        messages.clear();
        notifications.clear();
        return effects;
    }
}
