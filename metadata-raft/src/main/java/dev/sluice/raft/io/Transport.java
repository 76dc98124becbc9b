package dev.sluice.raft.io;

import dev.sluice.raft.RaftMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Carries the core's requests to other nodes. Thread-safe. The returned future completes, on any thread, with the
 * response (its {@code sourceId} set to {@code destinationId}) or exceptionally on a transport failure or timeout.
 */
public interface Transport extends AutoCloseable {

    CompletableFuture<RaftMessage.Response> send(int destinationId, RaftMessage.Request request);

    @Override
    void close();
}
