package dev.sluice.kafka;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Calls a unary method of one of the broker's gRPC service objects in process: the Kafka listener reuses their logic
 * (admin changes through the controller with the read barrier after them, the group coordinator) instead of
 * repeating it. No network, no serialization: the service answers through the observer, which completes the future.
 */
final class InProcessCalls {
    private InProcessCalls() {
    }

    static <Q, R> CompletableFuture<R> call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
        CompletableFuture<R> result = new CompletableFuture<>();
        method.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable failure) {
                result.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new IllegalStateException("the call completed without a response"));
            }
        });
        return result;
    }
}
