package dev.sluice.broker.rpc;

import dev.sluice.controller.ReadBarrierReply;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * How the Admin calls that the active controller carries out (topics, ACLs, quotas) answer: a change that was
 * committed is acknowledged only after a read barrier, so this broker already acts on it when the caller hears of it;
 * one that changed nothing is answered at once. A committed change is acknowledged even if the barrier fails: it is
 * in force cluster-wide regardless. Thread-safe.
 */
final class ControllerChangeReplies {
    private final Supplier<CompletableFuture<ReadBarrierReply>> readBarrier;

    /** @param readBarrier completes, never exceptionally, once this broker's image has caught up with the controller */
    ControllerChangeReplies(Supplier<CompletableFuture<ReadBarrierReply>> readBarrier) {
        this.readBarrier = readBarrier;
    }

    /** Sends {@code response}, after the read barrier when {@code changed}. */
    <T> void reply(boolean changed, StreamObserver<T> responses, T response) {
        if (!changed) {
            BrokerGrpcService.reply(responses, response);
            return;
        }
        readBarrier.get().whenComplete((barrier, ignored) -> BrokerGrpcService.reply(responses, response));
    }

    /** The message for a change the controller channel failed to carry out. */
    static String failureMessage(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return "the controller could not complete the request: " + cause.getMessage();
    }
}
