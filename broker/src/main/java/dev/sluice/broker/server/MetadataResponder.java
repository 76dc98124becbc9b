package dev.sluice.broker.server;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.BrokerInfo;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.PartitionMetadata;
import dev.sluice.proto.v1.TopicMetadata;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Answers the Metadata API from this broker's metadata image: brokers, the controller, and for each requested topic
 * its partitions' leaders, replicas and ISR. Unknown topics get UNKNOWN_TOPIC_OR_PARTITION; topics are never created
 * as a side effect. Thread-safe (reads a volatile image).
 */
final class MetadataResponder implements java.util.function.Function<MetadataRequest, MetadataResponse> {
    private final String clusterId;
    private final Supplier<MetadataImage> image;
    private final IntSupplier controllerId;

    MetadataResponder(String clusterId, Supplier<MetadataImage> image, IntSupplier controllerId) {
        this.clusterId = clusterId;
        this.image = image;
        this.controllerId = controllerId;
    }

    @Override
    public MetadataResponse apply(MetadataRequest request) {
        MetadataImage current = image.get();
        MetadataResponse.Builder response = MetadataResponse.newBuilder()
                .setClusterId(clusterId)
                .setControllerId(controllerId.getAsInt());
        for (BrokerRegistration broker : current.cluster().brokers().values()) {
            response.addBrokers(brokerInfo(broker));
        }
        if (request.getAllTopics()) {
            current.topics().topicsByName().values().forEach(topic -> response.addTopics(topicMetadata(topic)));
        }
        for (String name : request.getTopicsList()) {
            TopicImage topic = current.topics().topic(name);
            response.addTopics(topic != null ? topicMetadata(topic) : TopicMetadata.newBuilder().setName(name)
                    .setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("unknown topic '" + name + "'").build());
        }
        return response.build();
    }

    static BrokerInfo brokerInfo(BrokerRegistration broker) {
        return BrokerInfo.newBuilder().setNodeId(broker.id()).setHost(broker.host()).setPort(broker.port())
                .setRack(broker.rack() == null ? "" : broker.rack()).setFenced(broker.fenced())
                .setBrokerEpoch(broker.epoch()).build();
    }

    static TopicMetadata topicMetadata(TopicImage topic) {
        TopicMetadata.Builder builder = TopicMetadata.newBuilder().setName(topic.name())
                .setTopicId(topic.id().toString()).setInternal(topic.isInternal());
        for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
            PartitionImage partition = entry.getValue();
            builder.addPartitions(PartitionMetadata.newBuilder().setPartition(entry.getKey())
                    .setLeaderId(partition.leaderId()).setLeaderEpoch(partition.leaderEpoch())
                    .addAllReplicas(partition.replicas()).addAllIsr(partition.isr())
                    .setError(partition.hasLeader() ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE));
        }
        return builder.build();
    }
}
