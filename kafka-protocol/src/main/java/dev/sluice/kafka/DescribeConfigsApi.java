package dev.sluice.kafka;

import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.v1.DescribeTopicsRequest;
import dev.sluice.proto.v1.DescribeTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * Kafka's DescribeConfigs for topics, from the broker's admin service in process (a linearizable read, as Sluice's
 * DescribeTopics): every topic config Sluice knows, with its value, as {@code DYNAMIC_TOPIC_CONFIG} when the topic
 * sets it and {@code DEFAULT_CONFIG} otherwise. Broker resources are refused with {@code INVALID_REQUEST}: broker
 * settings are the node's configuration file, not dynamic configs. No synonyms or documentation. With authorization on,
 * a topic needs DESCRIBE_CONFIGS (checked here) and DESCRIBE (by the admin service). Thread-safe.
 */
final class DescribeConfigsApi {
    private static final byte DYNAMIC_TOPIC_CONFIG = 1;
    private static final byte DEFAULT_CONFIG = 5;
    private static final RequestAuthorizer.Action DESCRIBE_CONFIGS = RequestAuthorizer.Action.DESCRIBE_TOPIC_CONFIGS;

    private final AdminGrpcService admin;

    DescribeConfigsApi(AdminGrpcService admin) {
        this.admin = admin;
    }

    CompletableFuture<AbstractResponse> handle(DescribeConfigsRequest request) {
        RequestAuthorizer authorizer = admin.authorizer();
        RequestAuthorizer.Caller caller = authorizer.caller();
        Map<String, TopicDescription> denied = new HashMap<>();
        List<String> topics = request.data().resources().stream()
                .filter(resource -> resource.resourceType() == ConfigResource.Type.TOPIC.id())
                .map(DescribeConfigsResource::resourceName).distinct().filter(name -> {
                    if (authorizer.allowed(caller, DESCRIBE_CONFIGS, name)) {
                        return true;
                    }
                    denied.put(name, TopicDescription.newBuilder().setName(name)
                            .setError(RequestAuthorizer.denial(DESCRIBE_CONFIGS))
                            .setErrorMessage(RequestAuthorizer.denialMessage(caller, DESCRIBE_CONFIGS, name)).build());
                    return false;
                }).toList();
        CompletableFuture<DescribeTopicsResponse> described = topics.isEmpty()
                ? CompletableFuture.completedFuture(DescribeTopicsResponse.getDefaultInstance())
                : InProcessCalls.call(admin::describeTopics, DescribeTopicsRequest.newBuilder().addAllNames(topics)
                        .build());
        return described.thenApply(response -> {
            Map<String, TopicDescription> byName = new HashMap<>();
            response.getTopicsList().forEach(topic -> byName.put(topic.getName(), topic));
            byName.putAll(denied);
            DescribeConfigsResponseData data = new DescribeConfigsResponseData();
            for (DescribeConfigsResource resource : request.data().resources()) {
                data.results().add(result(resource, byName.get(resource.resourceName())));
            }
            return new DescribeConfigsResponse(data);
        });
    }

    private static DescribeConfigsResult result(DescribeConfigsResource resource, TopicDescription topic) {
        DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName());
        if (resource.resourceType() != ConfigResource.Type.TOPIC.id()) {
            return result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("only topic configs are described; broker settings are the node's configuration");
        }
        if (topic == null || topic.getError() != ErrorCode.NONE) {
            ErrorCode error = topic == null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : topic.getError();
            return result.setErrorCode(KafkaErrors.of(error).code())
                    .setErrorMessage(topic == null ? "unknown topic" : topic.getErrorMessage());
        }
        List<String> keys = resource.configurationKeys() == null ? List.copyOf(TopicConfigs.keys())
                : resource.configurationKeys();
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (String key : keys) {
            if (!TopicConfigs.isKnown(key)) {
                continue;
            }
            String explicit = topic.getConfigsMap().get(key);
            configs.add(new DescribeConfigsResourceResult().setName(key)
                    .setValue(explicit != null ? explicit : TopicConfigs.defaultValue(key))
                    .setConfigSource(explicit != null ? DYNAMIC_TOPIC_CONFIG : DEFAULT_CONFIG)
                    .setReadOnly(false).setIsSensitive(false));
        }
        return result.setConfigs(configs);
    }
}
