package dev.sluice.controller;

import dev.sluice.metadata.MetadataRecords;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The read index of the active controller (Raft §6.4), done by writing: a barrier appends an empty metadata batch
 * and answers with its offset once it is committed. The commit is the proof of leadership: a leader that was
 * deposed without noticing cannot commit it, so it never hands out an offset older than a change another leader
 * acknowledged. Asking the leader for its high watermark alone would not prove that.
 *
 * <p>Batching: one append is in flight at a time. Requests that arrive meanwhile wait for the next append, which
 * starts when the current one finishes; they never share an append that started before they arrived, since that
 * append might have been ordered before a change acknowledged in between.
 *
 * <p>Thread: the controller's event thread owns every field. {@code appendEmpty} starts an append and calls back
 * (on the controller thread, through the caller's queue) with the committed offset or a failure.
 */
final class ReadBarriers {
    /** Starts appending one empty batch; {@code done} gets the offset once committed, or the failure. */
    interface Appender {
        void appendEmpty(byte[] payload, Consumer<Long> committed, Consumer<Throwable> failed);
    }

    private static final byte[] EMPTY_BATCH = MetadataRecords.serialize(List.of());

    private final Appender appender;
    private List<CompletableFuture<ReadBarrierReply>> waiting = new ArrayList<>();
    private boolean appendInFlight;

    ReadBarriers(Appender appender) {
        this.appender = appender;
    }

    /** Adds a request from a broker; the caller has checked that this node is the active controller. */
    void add(CompletableFuture<ReadBarrierReply> reply) {
        waiting.add(reply);
        maybeStartAppend();
    }

    /** Refuses the requests that no append covers yet; the one in flight still answers with its outcome. */
    void failWaiting(String message) {
        List<CompletableFuture<ReadBarrierReply>> refused = waiting;
        waiting = new ArrayList<>();
        refused.forEach(reply -> reply.complete(ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, message)));
    }

    private void maybeStartAppend() {
        if (appendInFlight || waiting.isEmpty()) {
            return;
        }
        List<CompletableFuture<ReadBarrierReply>> batch = waiting;
        waiting = new ArrayList<>();
        appendInFlight = true;
        // A committed barrier is valid even if leadership moved meanwhile: it is in the log after every change
        // acknowledged before it was appended. A failed one proves nothing, so its readers must go elsewhere.
        appender.appendEmpty(EMPTY_BATCH, offset -> {
            appendInFlight = false;
            batch.forEach(reply -> reply.complete(new ReadBarrierReply(ErrorCode.NONE, "", offset)));
            maybeStartAppend();
        }, failure -> {
            appendInFlight = false;
            String message = "the read barrier did not commit: " + failure.getMessage();
            batch.forEach(reply -> reply.complete(ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, message)));
            maybeStartAppend();
        });
    }
}
