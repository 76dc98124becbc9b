package dev.sluice.broker.server;

import dev.sluice.broker.rpc.ControllerChannel;
import dev.sluice.controller.ControllerService;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import java.util.concurrent.CompletableFuture;

/** The controller of this same process (combined mode): calls go straight to its event queue. */
final class LocalControllerChannel implements ControllerChannel {
    private final ControllerService controller;

    LocalControllerChannel(ControllerService controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request) {
        return controller.createTopics(request);
    }

    @Override
    public CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request) {
        return controller.deleteTopics(request);
    }

    @Override
    public CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request) {
        return controller.alterConfigs(request);
    }

    @Override
    public CompletableFuture<dev.sluice.controller.ProducerIdsReply> allocateProducerIds(int brokerId, int count) {
        return controller.allocateProducerIds(brokerId, count);
    }
}
