package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.ProduceResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InOrderStreamTest {

    /** The response side of a call, as recorded. */
    private static final class RecordedCall extends ServerCallStreamObserver<ProduceResponse> {
        final List<ProduceResponse> sent = new ArrayList<>();
        int requested;
        Status failed;
        boolean completed;
        Runnable onCancel;

        @Override
        public void onNext(ProduceResponse value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            failed = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public void request(int count) {
            requested += count;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            onCancel = handler;
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }

    private final RecordedCall call = new RecordedCall();
    private final List<CompletableFuture<ProduceResponse>> handled = new ArrayList<>();
    private final InOrderStream<ProduceRequestView, ProduceResponse> stream = new InOrderStream<>(call, request -> {
        CompletableFuture<ProduceResponse> response = new CompletableFuture<>();
        handled.add(response);
        return response;
    });

    private static ProduceResponse response(int throttleMs) {
        return ProduceResponse.newBuilder().setThrottleTimeMs(throttleMs).build();
    }

    @Test
    void responsesGoOutInRequestOrderWhateverOrderTheyComplete() {
        stream.start();
        for (int i = 0; i < 3; i++) {
            stream.onNext(ProduceRequestView.getDefaultInstance());
        }
        handled.get(2).complete(response(2));
        handled.get(1).complete(response(1));
        assertThat(call.sent).as("the first is still owed").isEmpty();
        handled.get(0).complete(response(0));
        assertThat(call.sent).extracting(ProduceResponse::getThrottleTimeMs).containsExactly(0, 1, 2);
    }

    @Test
    void atMostMaxInFlightRequestsAreReadBeforeOneIsAnswered() {
        stream.start();
        for (int i = 0; i < InOrderStream.MAX_IN_FLIGHT; i++) {
            assertThat(call.requested).isEqualTo(i + 1);
            stream.onNext(ProduceRequestView.getDefaultInstance());
        }
        assertThat(call.requested).as("the transport holds the next request back")
                .isEqualTo(InOrderStream.MAX_IN_FLIGHT);
        handled.get(0).complete(response(0));
        assertThat(call.requested).isEqualTo(InOrderStream.MAX_IN_FLIGHT + 1);
    }

    @Test
    void aFailedRequestEndsTheStreamAndNothingAfterItIsAnswered() {
        stream.start();
        stream.onNext(ProduceRequestView.getDefaultInstance());
        stream.onNext(ProduceRequestView.getDefaultInstance());
        handled.get(1).complete(response(1));
        handled.get(0).completeExceptionally(Status.CANCELLED.withDescription("the broker is stopping")
                .asRuntimeException());
        assertThat(call.sent).isEmpty();
        assertThat(call.failed.getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(call.failed.getDescription()).isEqualTo("the broker is stopping");
    }

    @Test
    void aHalfClosedStreamCompletesOnceEverythingOwedIsAnswered() {
        stream.start();
        stream.onNext(ProduceRequestView.getDefaultInstance());
        stream.onCompleted();
        assertThat(call.completed).isFalse();
        handled.get(0).complete(response(0));
        assertThat(call.sent).hasSize(1);
        assertThat(call.completed).isTrue();
    }

    @Test
    void nothingIsSentAfterTheClientWentAway() {
        stream.start();
        stream.onNext(ProduceRequestView.getDefaultInstance());
        call.onCancel.run();
        handled.get(0).complete(response(0));
        assertThat(call.sent).isEmpty();
    }
}
