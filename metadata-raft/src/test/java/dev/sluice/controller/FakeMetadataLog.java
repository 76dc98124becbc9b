package dev.sluice.controller;

import dev.sluice.metadata.MetadataLoader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * A metadata log whose entries commit (into a {@link MetadataLoader}, like the Raft driver would) or fail when the
 * test says so.
 */
final class FakeMetadataLog implements MetadataLog {
    private record Pending(byte[] payload, CompletableFuture<Long> future) {
    }

    private final MetadataLoader loader;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private long nextOffset;

    FakeMetadataLog(MetadataLoader loader) {
        this.loader = loader;
    }

    @Override
    public CompletableFuture<Long> append(byte[] payload) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        pending.addLast(new Pending(payload, future));
        return future;
    }

    int pendingCount() {
        return pending.size();
    }

    long nextOffset() {
        return nextOffset;
    }

    /** Commits a leader's epoch marker (an empty entry); returns its offset. */
    long commitMarker() {
        long offset = nextOffset++;
        loader.handleCommit(offset, new byte[0]);
        return offset;
    }

    /** Commits the oldest pending entry: the loader applies it, then the append future completes. */
    void commitNext() {
        Pending entry = pending.pollFirst();
        long offset = nextOffset++;
        loader.handleCommit(offset, entry.payload());
        entry.future().complete(offset);
    }

    /** Like {@link #commitNext()} but the append future completes before the loader has applied the entry. */
    Runnable commitNextFutureFirst() {
        Pending entry = pending.pollFirst();
        long offset = nextOffset++;
        entry.future().complete(offset);
        return () -> loader.handleCommit(offset, entry.payload());
    }

    void commitAll() {
        while (!pending.isEmpty()) {
            commitNext();
        }
    }

    void failAll(Throwable error) {
        while (!pending.isEmpty()) {
            pending.pollFirst().future().completeExceptionally(error);
        }
    }
}
