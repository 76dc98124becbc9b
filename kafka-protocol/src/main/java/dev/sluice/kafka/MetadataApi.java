package dev.sluice.kafka;

import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.broker.server.BrokerServices;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Kafka's Metadata and DescribeCluster, from the broker's metadata image: every unfenced broker with a Kafka
 * listener, at its registered host and Kafka port, so that clients route each partition to its leader; topics with
 * their ids, partitions, leaders, leader epochs, replicas and ISRs. The controller id given is this broker's own:
 * Kafka clients send admin requests to the "controller", and any Sluice broker forwards them to the active
 * controller (controllers have no Kafka listener).
 *
 * <p>Auto-creation as in Kafka: with {@code auto.create.topics.enable} (default true) and a client that allows it
 * (always before version 4), an unknown topic is created with the broker defaults ({@code num.partitions},
 * {@code default.replication.factor}) before the answer, which then describes it (CREATE needed, as for
 * CreateTopics). With authorization on, a listing of every topic shows only those the caller may DESCRIBE, and a
 * topic asked for by name without DESCRIBE is answered {@code TOPIC_AUTHORIZATION_FAILED}. Thread-safe.
 */
final class MetadataApi {
    private final BrokerServices services;
    private final TopicAdminApi topics;

    MetadataApi(BrokerServices services, TopicAdminApi topics) {
        this.services = services;
        this.topics = topics;
    }

    CompletableFuture<AbstractResponse> handle(MetadataRequest request) {
        MetadataImage image = services.image().get();
        RequestAuthorizer authorizer = services.authorizer();
        Caller caller = authorizer.caller();
        if (request.isAllTopics()) {
            Set<String> visible = new LinkedHashSet<>();
            image.topics().topicsByName().keySet().stream()
                    .filter(name -> authorizer.allowed(caller, Action.DESCRIBE_TOPIC, name)).forEach(visible::add);
            return CompletableFuture.completedFuture(response(request, image, visible, List.of(), Map.of()));
        }
        Set<String> names = new LinkedHashSet<>();
        List<MetadataResponseTopic> unknownIds = new ArrayList<>();
        for (MetadataRequestTopic topic : request.data().topics()) {
            if (topic.name() != null) {
                names.add(topic.name());
                continue;
            }
            TopicImage byId = image.topics().topic(TopicAdminApi.javaUuid(topic.topicId()));
            if (byId == null) {
                unknownIds.add(new MetadataResponseTopic().setTopicId(topic.topicId())
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
            } else {
                names.add(byId.name());
            }
        }
        // A topic the caller may not DESCRIBE is refused by name, and not created either.
        Map<String, TopicResult> refused = new HashMap<>();
        names.stream().filter(name -> !authorizer.allowed(caller, Action.DESCRIBE_TOPIC, name)).forEach(name ->
                refused.put(name, TopicResult.newBuilder().setName(name)
                        .setError(RequestAuthorizer.denial(Action.DESCRIBE_TOPIC)).build()));
        List<String> missing = names.stream().filter(name -> image.topics().topic(name) == null
                && !refused.containsKey(name)).toList();
        boolean autoCreate = services.config().kafka().autoCreateTopics()
                && (request.version() < 4 || request.data().allowAutoTopicCreation());
        if (missing.isEmpty() || !autoCreate) {
            return CompletableFuture.completedFuture(response(request, image, names, unknownIds, refused));
        }
        CreateTopicsRequest.Builder create = CreateTopicsRequest.newBuilder();
        missing.forEach(name -> create.addTopics(NewTopic.newBuilder().setName(name)));
        return topics.createTopics(create.build()).thenApply(results -> {
            Map<String, TopicResult> failed = new HashMap<>(refused);
            results.stream().filter(r -> r.getError() != ErrorCode.NONE
                    && r.getError() != ErrorCode.TOPIC_ALREADY_EXISTS).forEach(r -> failed.put(r.getName(), r));
            return response(request, services.image().get(), names, unknownIds, failed);
        });
    }

    private MetadataResponse response(MetadataRequest request, MetadataImage image, Set<String> names,
                                      List<MetadataResponseTopic> unknownIds, Map<String, TopicResult> failed) {
        MetadataResponseData data = new MetadataResponseData().setClusterId(services.clusterId())
                .setControllerId(services.config().nodeId());
        for (BrokerRegistration broker : kafkaBrokers(image)) {
            data.brokers().add(new MetadataResponseBroker().setNodeId(broker.id()).setHost(broker.host())
                    .setPort(broker.kafkaPort()).setRack(broker.hasRack() ? broker.rack() : null));
        }
        for (String name : names) {
            TopicImage topic = image.topics().topic(name);
            TopicResult failure = failed.get(name);
            if (failure != null) {
                data.topics().add(new MetadataResponseTopic().setName(name)
                        .setErrorCode(KafkaErrors.of(failure.getError()).code()));
            } else if (topic == null) {
                data.topics().add(new MetadataResponseTopic().setName(name)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
            } else {
                data.topics().add(topic(topic, image));
            }
        }
        unknownIds.forEach(data.topics()::add);
        return new MetadataResponse(data, request.version());
    }

    private static MetadataResponseTopic topic(TopicImage topic, MetadataImage image) {
        MetadataResponseTopic described = new MetadataResponseTopic().setName(topic.name())
                .setTopicId(TopicAdminApi.uuid(topic.id())).setIsInternal(topic.isInternal());
        topic.partitions().forEach((index, partition) -> described.partitions().add(partition(index, partition,
                image)));
        return described;
    }

    private static MetadataResponsePartition partition(int index, PartitionImage partition, MetadataImage image) {
        List<Integer> offline = partition.replicas().stream().filter(id -> {
            BrokerRegistration broker = image.cluster().broker(id);
            return broker == null || broker.fenced();
        }).toList();
        return new MetadataResponsePartition().setPartitionIndex(index)
                .setErrorCode(partition.hasLeader() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(partition.leaderId()).setLeaderEpoch(partition.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(partition.replicas())).setIsrNodes(new ArrayList<>(partition.isr()))
                .setOfflineReplicas(new ArrayList<>(offline));
    }

    /** The brokers a Kafka client can reach: unfenced, with a Kafka listener. */
    private static List<BrokerRegistration> kafkaBrokers(MetadataImage image) {
        return image.cluster().brokers().values().stream()
                .filter(broker -> !broker.fenced() && broker.kafkaPort() > 0).toList();
    }

    AbstractResponse describeCluster(DescribeClusterRequest request) {
        DescribeClusterResponseData data = new DescribeClusterResponseData().setClusterId(services.clusterId())
                .setControllerId(services.config().nodeId());
        if (request.version() >= 1 && request.data().endpointType() != 1) {
            return new DescribeClusterResponse(data.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("only broker endpoints are described"));
        }
        for (BrokerRegistration broker : kafkaBrokers(services.image().get())) {
            data.brokers().add(new DescribeClusterBroker().setBrokerId(broker.id()).setHost(broker.host())
                    .setPort(broker.kafkaPort()).setRack(broker.hasRack() ? broker.rack() : null));
        }
        return new DescribeClusterResponse(data);
    }
}
