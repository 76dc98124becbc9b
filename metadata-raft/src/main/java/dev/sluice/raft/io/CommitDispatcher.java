package dev.sluice.raft.io;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds notifications to the {@link RaftListener} on one dedicated thread, in order, so a slow state machine never
 * stalls the Raft driver. An append's future completes right after its entry reached the listener. If the listener
 * throws, the error is logged once and nothing more is delivered: the state machine can no longer be trusted.
 */
final class CommitDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitDispatcher.class);

    private final RaftListener listener;
    private final ExecutorService thread;
    private volatile Throwable failure;

    CommitDispatcher(int nodeId, RaftListener listener) {
        this.listener = listener;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "sluice-raft-listener-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Called on the driver thread; takes the futures of committed appends out of {@code pendingAppends}. */
    void dispatch(List<Notification> notifications, Map<Long, CompletableFuture<Long>> pendingAppends) {
        if (notifications.isEmpty()) {
            return;
        }
        List<CompletableFuture<Long>> futures = new ArrayList<>(notifications.size());
        for (Notification notification : notifications) {
            futures.add(notification instanceof Notification.Committed committed
                ? pendingAppends.remove(committed.entry().offset()) : null);
        }
        thread.execute(() -> deliver(notifications, futures));
    }

    private void deliver(List<Notification> notifications, List<CompletableFuture<Long>> futures) {
        for (int i = 0; i < notifications.size(); i++) {
            CompletableFuture<Long> future = futures.get(i);
            if (failure != null) {
                if (future != null) {
                    future.completeExceptionally(new IllegalStateException("Raft listener failed", failure));
                }
                continue;
            }
            try {
                Notification notification = notifications.get(i);
                if (notification instanceof Notification.Committed committed) {
                    LogEntry entry = committed.entry();
                    // Markers are delivered too: the controller becomes active only once the applied offset has
                    // reached its epoch's start, which is the marker's offset.
                    listener.handleCommit(entry.offset(), entry.epoch(), entry.payload().clone());
                    if (future != null) {
                        future.complete(entry.offset());
                    }
                } else if (notification instanceof Notification.LeaderChanged change) {
                    listener.handleLeaderChange(change.leaderId(), change.epoch(), change.epochStartOffset());
                }
            } catch (Throwable t) {
                failure = t;
                log.error("Raft listener failed; no further commits are delivered", t);
                if (future != null) {
                    future.completeExceptionally(t);
                }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
