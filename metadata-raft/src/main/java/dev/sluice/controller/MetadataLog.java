package dev.sluice.controller;

import java.util.concurrent.CompletableFuture;

/**
 * Where the active controller proposes metadata: the Raft log. Implemented by the Raft driver.
 *
 * <p>Contract: entries commit in the order they were appended. The future completes with the entry's offset once
 * it is committed, or exceptionally when it will not be (not the leader any more, I/O failure). An implementation
 * should resign leadership when it fails an append for any reason other than no longer leading, because the
 * controller stays inactive after a failed append until a new leader epoch starts (see {@link ControllerService}).
 * May be called from the controller's thread only; may complete the future on any thread.
 */
@FunctionalInterface
public interface MetadataLog {
    /** Appends one serialized {@code MetadataRecordBatch}. */
    CompletableFuture<Long> append(byte[] payload);
}
