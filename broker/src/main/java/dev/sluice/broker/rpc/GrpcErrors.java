package dev.sluice.broker.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Turns an unexpected failure into a gRPC status. Expected outcomes travel as {@code ErrorCode}s inside responses;
 * a status is reserved for what the server could not answer at all.
 */
final class GrpcErrors {
    private GrpcErrors() {
    }

    static StatusRuntimeException internal(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return Status.INTERNAL.withDescription(String.valueOf(cause.getMessage())).withCause(cause)
                .asRuntimeException();
    }
}
