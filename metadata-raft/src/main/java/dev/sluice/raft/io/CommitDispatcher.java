package dev.sluice.raft.io;

import dev.sluice.fault.FaultHandler;
import dev.sluice.raft.LogEntry;
import dev.sluice.raft.Notification;
import dev.sluice.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds notifications to the {@link RaftListener} on one dedicated thread, in order, so a slow state machine never
 * stalls the Raft driver. Snapshots are loaded into the listener, and made by it when due, in the same order. An
 * append's future completes right after its entry reached the listener. If the listener
 * throws, the error is logged once and nothing more is delivered: the state machine can no longer be trusted.
 */
final class CommitDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitDispatcher.class);

    private final int nodeId;
    private final RaftListener listener;
    private final FaultHandler faultHandler;
    private final Consumer<Snapshot> snapshotSink;
    private final ExecutorService thread;
    private volatile Throwable failure;

    /** {@code snapshotSink} takes the snapshots the listener creates, on the listener thread. */
    CommitDispatcher(int nodeId, RaftListener listener, Consumer<Snapshot> snapshotSink, FaultHandler faultHandler) {
        this.nodeId = nodeId;
        this.listener = listener;
        this.snapshotSink = snapshotSink;
        this.faultHandler = faultHandler;
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
                } else if (notification instanceof Notification.SnapshotLoaded loaded) {
                    Snapshot snapshot = loaded.snapshot();
                    log.info("[node {}] loading snapshot ending at {} (epoch {}, {} bytes)", nodeId,
                        snapshot.endOffset(), snapshot.epoch(), snapshot.data().length);
                    listener.handleSnapshot(snapshot.endOffset(), snapshot.epoch(), snapshot.data().clone());
                } else if (notification instanceof Notification.SnapshotDue due) {
                    byte[] data = listener.createSnapshot();
                    log.debug("[node {}] created snapshot ending at {} ({} bytes)", nodeId, due.snapshotId().offset(),
                        data.length);
                    snapshotSink.accept(new Snapshot(due.snapshotId().offset(), due.snapshotId().epoch(),
                        data.clone()));
                }
            } catch (Throwable t) {
                failure = t;
                faultHandler.handleFault("Raft listener failed; no further commits are delivered", t);
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
