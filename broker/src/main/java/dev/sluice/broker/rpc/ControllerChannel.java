package dev.sluice.broker.rpc;

import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import java.util.concurrent.CompletableFuture;

/**
 * How a broker reaches the active controller for metadata changes. Each future completes once the change is
 * committed in the metadata log (or refused). In combined mode this is an in-process call; a broker-only node
 * forwards over gRPC.
 */
public interface ControllerChannel {
    CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request);

    CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request);

    CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request);

    /** A block of {@code count} producer ids for broker {@code brokerId}, committed before it is handed out. */
    CompletableFuture<dev.sluice.controller.ProducerIdsReply> allocateProducerIds(int brokerId, int count);
}
