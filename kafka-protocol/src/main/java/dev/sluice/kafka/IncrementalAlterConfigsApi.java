package dev.sluice.kafka;

import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.DescribeTopicsRequest;
import dev.sluice.proto.v1.DescribeTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicDescription;
import dev.sluice.proto.v1.TopicResult;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * Kafka's IncrementalAlterConfigs (what {@code kafka-configs.sh --alter} and {@code Admin.incrementalAlterConfigs}
 * send) for topics, through the broker's admin service in process: the current configs are read first (a
 * linearizable DescribeTopics) when an APPEND or SUBTRACT needs them, then every valid topic's change goes to the
 * controller in one AlterConfigs, which validates values as for Sluice's own clients. A resource that is not a topic,
 * or whose operations are invalid, gets its own error and changes nothing. Thread-safe.
 */
final class IncrementalAlterConfigsApi {
    private final AdminGrpcService admin;

    IncrementalAlterConfigsApi(AdminGrpcService admin) {
        this.admin = admin;
    }

    CompletableFuture<AbstractResponse> handle(IncrementalAlterConfigsRequest request) {
        List<String> topics = request.data().resources().stream()
                .filter(resource -> resource.resourceType() == ConfigResource.Type.TOPIC.id())
                .map(AlterConfigsResource::resourceName).distinct().toList();
        CompletableFuture<DescribeTopicsResponse> described = topics.isEmpty()
                ? CompletableFuture.completedFuture(DescribeTopicsResponse.getDefaultInstance())
                : InProcessCalls.call(admin::describeTopics, DescribeTopicsRequest.newBuilder().addAllNames(topics)
                        .build());
        return described.thenCompose(response -> alter(request, response));
    }

    private CompletableFuture<AbstractResponse> alter(IncrementalAlterConfigsRequest request,
                                                      DescribeTopicsResponse described) {
        Map<String, TopicDescription> byName = new HashMap<>();
        described.getTopicsList().forEach(topic -> byName.put(topic.getName(), topic));
        Map<AlterConfigsResource, AlterConfigsResourceResponse> answers = new LinkedHashMap<>();
        AlterConfigsRequest.Builder alterations = AlterConfigsRequest.newBuilder()
                .setValidateOnly(request.data().validateOnly());
        Map<String, AlterConfigsResourceResponse> pending = new HashMap<>();
        for (AlterConfigsResource resource : request.data().resources()) {
            AlterConfigsResourceResponse answer = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            answers.put(resource, answer);
            if (resource.resourceType() != ConfigResource.Type.TOPIC.id()) {
                fail(answer, Errors.INVALID_REQUEST, "only topic configs can be altered; broker settings are the "
                        + "node's configuration file");
                continue;
            }
            TopicDescription topic = byName.get(resource.resourceName());
            if (topic == null || topic.getError() != ErrorCode.NONE) {
                fail(answer, topic == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : KafkaErrors.of(topic.getError()),
                        topic == null ? "unknown topic" : topic.getErrorMessage());
                continue;
            }
            if (pending.containsKey(resource.resourceName())) {
                fail(answer, Errors.INVALID_REQUEST, "topic " + resource.resourceName() + " appears twice");
                continue;
            }
            IncrementalConfigChange.Result change = IncrementalConfigChange.of(resource.resourceName(),
                    List.copyOf(resource.configs()), topic.getConfigsMap());
            if (change.invalidRequest() != null) {
                fail(answer, Errors.INVALID_REQUEST, change.invalidRequest());
            } else if (change.invalidConfig() != null) {
                fail(answer, Errors.INVALID_CONFIG, change.invalidConfig());
            } else {
                alterations.addAlterations(change.alteration());
                pending.put(resource.resourceName(), answer);
            }
        }
        CompletableFuture<Void> applied = pending.isEmpty() ? CompletableFuture.completedFuture(null)
                : InProcessCalls.call(admin::alterConfigs, alterations.build()).thenAccept(response -> {
                    for (TopicResult result : response.getResultsList()) {
                        AlterConfigsResourceResponse answer = pending.get(result.getName());
                        if (answer != null && result.getError() != ErrorCode.NONE) {
                            fail(answer, KafkaErrors.of(result.getError()), result.getErrorMessage());
                        }
                    }
                });
        return applied.thenApply(done -> new IncrementalAlterConfigsResponse(new IncrementalAlterConfigsResponseData()
                .setResponses(List.copyOf(answers.values()))));
    }

    private static void fail(AlterConfigsResourceResponse answer, Errors error, String message) {
        answer.setErrorCode(error.code()).setErrorMessage(message);
    }
}
