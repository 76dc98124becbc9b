package dev.sluice.kafka;

import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * Kafka's CreateTopics and DeleteTopics, served by the broker's {@link AdminGrpcService} in process: the change goes
 * to the active controller, and the answer comes once this broker's image shows it (the read barrier), so a client's
 * next Metadata request here sees the change. Explicit replica assignments are refused ({@code INVALID_REQUEST}):
 * Sluice's controller places replicas itself. Thread-safe.
 */
final class TopicAdminApi {
    private final AdminGrpcService admin;
    private final Supplier<MetadataImage> image;

    TopicAdminApi(AdminGrpcService admin, Supplier<MetadataImage> image) {
        this.admin = admin;
        this.image = image;
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> create(CreateTopicsRequest request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        dev.sluice.proto.v1.CreateTopicsRequest.Builder sluice = dev.sluice.proto.v1.CreateTopicsRequest.newBuilder()
                .setValidateOnly(request.data().validateOnly());
        for (CreatableTopic topic : request.data().topics()) {
            if (!topic.assignments().isEmpty()) {
                response.topics().add(new CreatableTopicResult().setName(topic.name())
                        .setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("replica assignments are not supported; Sluice's controller places replicas"));
                continue;
            }
            NewTopic.Builder newTopic = NewTopic.newBuilder().setName(topic.name());
            if (topic.numPartitions() != -1) {
                newTopic.setPartitions(topic.numPartitions());
            }
            if (topic.replicationFactor() != -1) {
                newTopic.setReplicationFactor(topic.replicationFactor());
            }
            topic.configs().forEach(config -> newTopic.putConfigs(config.name(), config.value()));
            sluice.addTopics(newTopic);
        }
        if (sluice.getTopicsCount() == 0) {
            return CompletableFuture.completedFuture(new CreateTopicsResponse(response));
        }
        return createTopics(sluice.build()).thenApply(results -> {
            MetadataImage current = image.get();
            for (TopicResult result : results) {
                response.topics().add(createResult(result, current));
            }
            return new CreateTopicsResponse(response);
        });
    }

    /** Creates topics through the admin service (controller failures come back as results). */
    CompletableFuture<List<TopicResult>> createTopics(dev.sluice.proto.v1.CreateTopicsRequest request) {
        return InProcessCalls.call(admin::createTopics, request)
                .thenApply(dev.sluice.proto.v1.CreateTopicsResponse::getResultsList);
    }

    private static CreatableTopicResult createResult(TopicResult result, MetadataImage current) {
        CreatableTopicResult created = new CreatableTopicResult().setName(result.getName())
                .setErrorCode(KafkaErrors.of(result.getError()).code())
                .setErrorMessage(result.getErrorMessage().isEmpty() ? null : result.getErrorMessage());
        TopicImage topic = current.topics().topic(result.getName());
        if (topic != null && result.getError() == dev.sluice.proto.v1.ErrorCode.NONE) {
            created.setTopicId(uuid(topic.id())).setNumPartitions(topic.partitions().size())
                    .setReplicationFactor((short) (topic.partitions().isEmpty() ? -1
                            : topic.partitions().values().iterator().next().replicas().size()));
        }
        return created;
    }

    CompletableFuture<org.apache.kafka.common.requests.AbstractResponse> delete(DeleteTopicsRequest request) {
        MetadataImage current = image.get();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<String> names = new ArrayList<>();
        for (DeleteTopicState topic : request.topics()) {
            if (topic.name() != null) {
                names.add(topic.name());
                continue;
            }
            TopicImage byId = current.topics().topic(javaUuid(topic.topicId()));
            if (byId == null) {
                response.responses().add(new DeletableTopicResult().setTopicId(topic.topicId())
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setErrorMessage("unknown topic id"));
            } else {
                names.add(byId.name());
            }
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(new DeleteTopicsResponse(response));
        }
        return InProcessCalls.call(admin::deleteTopics, dev.sluice.proto.v1.DeleteTopicsRequest.newBuilder()
                .addAllNames(names).build()).thenApply(results -> {
                    for (TopicResult result : results.getResultsList()) {
                        TopicImage topic = current.topics().topic(result.getName());
                        response.responses().add(new DeletableTopicResult().setName(result.getName())
                                .setTopicId(topic == null ? Uuid.ZERO_UUID : uuid(topic.id()))
                                .setErrorCode(KafkaErrors.of(result.getError()).code())
                                .setErrorMessage(result.getErrorMessage().isEmpty() ? null
                                        : result.getErrorMessage()));
                    }
                    return new DeleteTopicsResponse(response);
                });
    }

    static Uuid uuid(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID javaUuid(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
