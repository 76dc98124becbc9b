package dev.sluice.kafka;

import dev.sluice.broker.partition.ProducerIdHandler;
import dev.sluice.broker.rpc.RequestAuthorizer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * Kafka's InitProducerId for idempotent producers (the Java producer's default), through the broker's
 * {@link ProducerIdHandler}: a new producer id from the block the broker took from the controller, epoch 0. An
 * idempotent producer that sends its current id and epoch gets a new id too, as Kafka does without a transactional
 * id. A transactional id is refused with {@code UNSUPPORTED_VERSION}: Sluice has no transactions yet. Thread-safe.
 */
final class ProducerIdApi {
    private final ProducerIdHandler handler;
    private final RequestAuthorizer authorizer;

    ProducerIdApi(ProducerIdHandler handler, RequestAuthorizer authorizer) {
        this.handler = handler;
        this.authorizer = authorizer;
    }

    CompletableFuture<AbstractResponse> handle(InitProducerIdRequest request) {
        if (request.data().transactionalId() != null) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0,
                    Errors.UNSUPPORTED_VERSION.exception("transactions are not supported by Sluice yet")));
        }
        if (!authorizer.allowed(RequestAuthorizer.Action.IDEMPOTENT_WRITE, "")) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0,
                    Errors.CLUSTER_AUTHORIZATION_FAILED.exception(RequestAuthorizer.denialMessage(
                            authorizer.caller(), RequestAuthorizer.Action.IDEMPOTENT_WRITE, ""))));
        }
        return handler.handle(dev.sluice.proto.v1.InitProducerIdRequest.newBuilder().setClientId("kafka").build())
                .thenApply(reply -> new InitProducerIdResponse(new InitProducerIdResponseData()
                        .setErrorCode(KafkaErrors.of(reply.getError()).code())
                        .setProducerId(reply.getProducerId() > 0 ? reply.getProducerId() : -1)
                        .setProducerEpoch((short) (reply.getProducerId() > 0 ? reply.getProducerEpoch() : -1))));
    }
}
