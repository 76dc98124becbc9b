package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.controller.ProducerIdsReply;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProducerIdHandlerTest {
    private final List<CompletableFuture<ProducerIdsReply>> requests = new ArrayList<>();
    private final ProducerIdHandler handler = new ProducerIdHandler(3, 2, (broker, count) -> {
        assertThat(broker).isEqualTo(3);
        assertThat(count).isEqualTo(2);
        CompletableFuture<ProducerIdsReply> reply = new CompletableFuture<>();
        requests.add(reply);
        return reply;
    });

    private static InitProducerIdRequest request() {
        return InitProducerIdRequest.getDefaultInstance();
    }

    @Test
    void handsOutABlockThenAsksForTheNextOneOnce() {
        CompletableFuture<InitProducerIdResponse> first = handler.handle(request());
        CompletableFuture<InitProducerIdResponse> second = handler.handle(request());
        CompletableFuture<InitProducerIdResponse> third = handler.handle(request());
        assertThat(requests).as("callers wait for one outstanding block request").hasSize(1);
        requests.get(0).complete(new ProducerIdsReply(ErrorCode.NONE, "", 100, 2));
        assertThat(first.join().getProducerId()).isEqualTo(100);
        assertThat(second.join().getProducerId()).isEqualTo(101);
        assertThat(third).isNotDone();
        assertThat(requests).hasSize(2);
        requests.get(1).complete(new ProducerIdsReply(ErrorCode.NONE, "", 500, 2));
        assertThat(third.join().getProducerId()).isEqualTo(500);
        assertThat(handler.handle(request()).join().getProducerId()).isEqualTo(501);
    }

    @Test
    void aControllerErrorIsPassedOnAndTheNextCallTriesAgain() {
        CompletableFuture<InitProducerIdResponse> refused = handler.handle(request());
        requests.get(0).complete(ProducerIdsReply.error(ErrorCode.NOT_CONTROLLER, "no controller"));
        assertThat(refused.join().getError()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        CompletableFuture<InitProducerIdResponse> unreachable = handler.handle(request());
        requests.get(1).completeExceptionally(new IllegalStateException("down"));
        assertThat(unreachable.join().getError()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        CompletableFuture<InitProducerIdResponse> ok = handler.handle(request());
        requests.get(2).complete(new ProducerIdsReply(ErrorCode.NONE, "", 7, 2));
        assertThat(ok.join().getProducerId()).isEqualTo(7);
    }
}
