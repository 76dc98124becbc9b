package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void onlyAConnectionNeverMadeProvesARequestWasNotDelivered() {
        assertThat(Errors.mayHaveBeenDelivered(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused")).asRuntimeException()))
                .as("refused connection").isFalse();
        assertThat(Errors.mayHaveBeenDelivered(new ExecutionException(Status.UNAVAILABLE
                .withCause(new ConnectException("Connection refused")).asRuntimeException())))
                .as("refused connection, wrapped by a future").isFalse();
        assertThat(Errors.mayHaveBeenDelivered(Status.UNAVAILABLE
                .withCause(new java.net.NoRouteToHostException("No route to host")).asRuntimeException()))
                .as("unroutable address").isFalse();
        assertThat(Errors.mayHaveBeenDelivered(Status.UNAVAILABLE
                .withCause(new java.net.UnknownHostException("nowhere")).asRuntimeException()))
                .as("unresolvable name").isFalse();
        assertThat(Errors.mayHaveBeenDelivered(Status.DEADLINE_EXCEEDED
                .withDescription("deadline exceeded after 4.9s. [wait_for_ready, waiting_for_connection]")
                .asRuntimeException())).as("deadline while waiting for a connection").isFalse();

        assertThat(Errors.mayHaveBeenDelivered(Status.UNAVAILABLE.withDescription("Connection closed after GOAWAY")
                .asRuntimeException())).as("connection closed mid-call").isTrue();
        assertThat(Errors.mayHaveBeenDelivered(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new IOException("Connection reset by peer")).asRuntimeException()))
                .as("connection reset mid-call").isTrue();
        assertThat(Errors.mayHaveBeenDelivered(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 5s")
                .asRuntimeException())).as("deadline on a sent call").isTrue();
        assertThat(Errors.mayHaveBeenDelivered(Status.INTERNAL.asRuntimeException())).as("other status").isTrue();
    }
}
