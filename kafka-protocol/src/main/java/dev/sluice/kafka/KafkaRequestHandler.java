package dev.sluice.kafka;

import dev.sluice.broker.server.BrokerServices;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.SyncGroupRequest;

/**
 * Serves one decoded Kafka request of an API and version {@link SupportedApis} advertises, through the broker's own
 * handlers (see {@link BrokerServices}). Returns the response to send, or null for none ({@code acks=0}).
 * Thread-safe: it keeps no state of its own; called on the listener's request executor.
 */
final class KafkaRequestHandler {
    private final MetadataApi metadata;
    private final ProduceApi produce;
    private final FetchApi fetch;
    private final ListOffsetsApi listOffsets;
    private final TopicAdminApi topics;
    private final ProducerIdApi producerIds;
    private final GroupOffsetsApi groupOffsets;
    private final DescribeConfigsApi describeConfigs;
    private final IncrementalAlterConfigsApi alterConfigs;
    private final ConsumerGroupHeartbeatApi consumerGroups;
    private final OffsetForLeaderEpochApi epochEnds;
    private final ClassicGroupApi classicGroups;
    private final GroupListingApi groupListing;

    KafkaRequestHandler(BrokerServices services) {
        this.topics = new TopicAdminApi(services.admin(), services.image());
        this.metadata = new MetadataApi(services, topics);
        this.produce = new ProduceApi(services.authorizedCalls());
        this.fetch = new FetchApi(services.authorizedCalls());
        this.listOffsets = new ListOffsetsApi(services.authorizedCalls());
        this.epochEnds = new OffsetForLeaderEpochApi(services.listOffsets(), services.authorizer());
        this.producerIds = new ProducerIdApi(services.producerIds(), services.authorizer());
        this.groupOffsets = new GroupOffsetsApi(services.groups(), services.coordinator(), services.image(),
                services.authorizer());
        this.classicGroups = new ClassicGroupApi(services.classicGroups(), services.image(), services.authorizer());
        this.groupListing = new GroupListingApi(services.coordinator(), services.image(), services.authorizer());
        this.describeConfigs = new DescribeConfigsApi(services.admin());
        this.alterConfigs = new IncrementalAlterConfigsApi(services.admin());
        this.consumerGroups = new ConsumerGroupHeartbeatApi(services.groups(), services.image(),
                new ConsumerMemberFields(Clock.systemUTC()));
    }

    CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return switch (context.header.apiKey()) {
            case API_VERSIONS -> CompletableFuture.completedFuture(apiVersions());
            case METADATA -> metadata.handle((MetadataRequest) request);
            case DESCRIBE_CLUSTER -> CompletableFuture.completedFuture(
                    metadata.describeCluster((DescribeClusterRequest) request));
            case PRODUCE -> produce.handle((ProduceRequest) request);
            case FETCH -> fetch.handle((FetchRequest) request);
            case LIST_OFFSETS -> CompletableFuture.completedFuture(listOffsets.handle((ListOffsetsRequest) request));
            case OFFSET_FOR_LEADER_EPOCH -> CompletableFuture.completedFuture(
                    epochEnds.handle((OffsetsForLeaderEpochRequest) request));
            case CREATE_TOPICS -> topics.create((CreateTopicsRequest) request);
            case DELETE_TOPICS -> topics.delete((DeleteTopicsRequest) request);
            case INIT_PRODUCER_ID -> producerIds.handle((InitProducerIdRequest) request);
            case FIND_COORDINATOR -> groupOffsets.findCoordinator((FindCoordinatorRequest) request);
            case OFFSET_COMMIT -> groupOffsets.commit((OffsetCommitRequest) request);
            case OFFSET_FETCH -> groupOffsets.fetch((OffsetFetchRequest) request);
            case JOIN_GROUP -> classicGroups.join(context, (JoinGroupRequest) request);
            case SYNC_GROUP -> classicGroups.sync((SyncGroupRequest) request);
            case HEARTBEAT -> classicGroups.heartbeat((HeartbeatRequest) request);
            case LEAVE_GROUP -> classicGroups.leave((LeaveGroupRequest) request);
            case LIST_GROUPS -> groupListing.list((ListGroupsRequest) request);
            case DESCRIBE_GROUPS -> groupListing.describe((DescribeGroupsRequest) request);
            case DESCRIBE_CONFIGS -> describeConfigs.handle((DescribeConfigsRequest) request);
            case CONSUMER_GROUP_HEARTBEAT -> consumerGroups.handle((ConsumerGroupHeartbeatRequest) request,
                    context.clientId());
            case INCREMENTAL_ALTER_CONFIGS -> alterConfigs.handle((IncrementalAlterConfigsRequest) request);
            default -> throw new IllegalStateException(context.header.apiKey() + " is advertised but not served");
        };
    }

    private static ApiVersionsResponse apiVersions() {
        return new ApiVersionsResponse(new ApiVersionsResponseData().setApiKeys(SupportedApis.apiVersions()));
    }
}
