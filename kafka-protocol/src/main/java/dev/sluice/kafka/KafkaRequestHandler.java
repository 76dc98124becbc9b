package dev.sluice.kafka;

import dev.sluice.broker.server.BrokerServices;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestContext;

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

    KafkaRequestHandler(BrokerServices services) {
        this.topics = new TopicAdminApi(services.admin(), services.image());
        this.metadata = new MetadataApi(services, topics);
        this.produce = new ProduceApi(services.authorizedCalls());
        this.fetch = new FetchApi(services.authorizedCalls());
        this.listOffsets = new ListOffsetsApi(services.authorizedCalls());
        this.producerIds = new ProducerIdApi(services.producerIds(), services.authorizer());
        this.groupOffsets = new GroupOffsetsApi(services.groups(), services.image());
        this.describeConfigs = new DescribeConfigsApi(services.admin());
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
            case CREATE_TOPICS -> topics.create((CreateTopicsRequest) request);
            case DELETE_TOPICS -> topics.delete((DeleteTopicsRequest) request);
            case INIT_PRODUCER_ID -> producerIds.handle((InitProducerIdRequest) request);
            case FIND_COORDINATOR -> groupOffsets.findCoordinator((FindCoordinatorRequest) request);
            case OFFSET_COMMIT -> groupOffsets.commit((OffsetCommitRequest) request);
            case OFFSET_FETCH -> groupOffsets.fetch((OffsetFetchRequest) request);
            case DESCRIBE_CONFIGS -> describeConfigs.handle((DescribeConfigsRequest) request);
            default -> throw new IllegalStateException(context.header.apiKey() + " is advertised but not served");
        };
    }

    private static ApiVersionsResponse apiVersions() {
        return new ApiVersionsResponse(new ApiVersionsResponseData().setApiKeys(SupportedApis.apiVersions()));
    }
}
