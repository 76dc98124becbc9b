package dev.sluice.broker.rpc;

import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceResponse;
import dev.sluice.proto.v1.TopicMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The partition data path (produce, fetch, list offsets, metadata) behind the ACL checks, for both client protocols:
 * the partitions of topics the caller may not use are answered {@code TOPIC_AUTHORIZATION_FAILED} and never reach
 * the handler, the rest go through unchanged (as Kafka answers per topic). Their results come after the handler's,
 * which clients match by topic and partition. With authorization off each call is the handler's own.
 * Thread-safe; call on the thread of the request (the caller is read from its context).
 */
public final class AuthorizedBrokerCalls {
    private final RequestAuthorizer authorizer;
    private final ProduceHandler produce;
    private final FetchHandler fetch;
    private final ListOffsetsHandler listOffsets;

    public AuthorizedBrokerCalls(RequestAuthorizer authorizer, ProduceHandler produce, FetchHandler fetch,
                                 ListOffsetsHandler listOffsets) {
        this.authorizer = authorizer;
        this.produce = produce;
        this.fetch = fetch;
        this.listOffsets = listOffsets;
    }

    public RequestAuthorizer authorizer() {
        return authorizer;
    }

    /** WRITE on each topic. */
    public CompletableFuture<ProduceResponse> produce(ProduceRequestView request) {
        if (!authorizer.enabled()) {
            return produce.handle(request);
        }
        Caller caller = authorizer.caller();
        Map<String, Boolean> decisions = new HashMap<>();
        ProduceRequestView.Builder allowed = request.toBuilder().clearPartitions();
        ProduceResponse.Builder denied = ProduceResponse.newBuilder();
        for (ProducePartitionView partition : request.getPartitionsList()) {
            String topic = partition.getTopic();
            if (decisions.computeIfAbsent(topic, t -> authorizer.allowed(caller, Action.PRODUCE, t))) {
                allowed.addPartitions(partition);
            } else {
                denied.addResults(ProducePartitionResult.newBuilder().setTopic(topic)
                        .setPartition(partition.getPartition()).setBaseOffset(-1).setLeaderId(-1)
                        .setError(RequestAuthorizer.denial(Action.PRODUCE))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.PRODUCE, topic)));
            }
        }
        if (denied.getResultsCount() == 0) {
            return produce.handle(request);
        }
        if (allowed.getPartitionsCount() == 0) {
            return CompletableFuture.completedFuture(denied.build());
        }
        return produce.handle(allowed.build()).thenApply(response -> response.toBuilder()
                .addAllResults(denied.getResultsList()).build());
    }

    /** READ on each topic. */
    public CompletableFuture<FetchResponseView> fetch(FetchRequest request) {
        if (!authorizer.enabled()) {
            return fetch.handle(request);
        }
        Caller caller = authorizer.caller();
        Map<String, Boolean> decisions = new HashMap<>();
        FetchRequest.Builder allowed = request.toBuilder().clearPartitions();
        FetchResponseView.Builder denied = FetchResponseView.newBuilder();
        for (FetchPartition partition : request.getPartitionsList()) {
            String topic = partition.getTopic();
            if (decisions.computeIfAbsent(topic, t -> authorizer.allowed(caller, Action.FETCH, t))) {
                allowed.addPartitions(partition);
            } else {
                denied.addResults(FetchPartitionResultView.newBuilder().setTopic(topic)
                        .setPartition(partition.getPartition()).setHighWatermark(-1).setLogStartOffset(-1)
                        .setLeaderId(-1).setLeaderEpoch(-1).setError(RequestAuthorizer.denial(Action.FETCH))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.FETCH, topic)));
            }
        }
        if (denied.getResultsCount() == 0) {
            return fetch.handle(request);
        }
        if (allowed.getPartitionsCount() == 0) {
            return CompletableFuture.completedFuture(denied.build());
        }
        return fetch.handle(allowed.build()).thenApply(response -> response.toBuilder()
                .addAllResults(denied.getResultsList()).build());
    }

    /** DESCRIBE on each topic. */
    public ListOffsetsResponse listOffsets(ListOffsetsRequest request) {
        if (!authorizer.enabled()) {
            return listOffsets.handle(request);
        }
        Caller caller = authorizer.caller();
        Map<String, Boolean> decisions = new HashMap<>();
        ListOffsetsRequest.Builder allowed = request.toBuilder().clearPartitions();
        ListOffsetsResponse.Builder denied = ListOffsetsResponse.newBuilder();
        for (ListOffsetsPartition partition : request.getPartitionsList()) {
            String topic = partition.getTopic();
            if (decisions.computeIfAbsent(topic, t -> authorizer.allowed(caller, Action.DESCRIBE_TOPIC, t))) {
                allowed.addPartitions(partition);
            } else {
                denied.addResults(ListOffsetsPartitionResult.newBuilder().setTopic(topic)
                        .setPartition(partition.getPartition()).setOffset(-1).setTimestampMs(-1)
                        .setError(RequestAuthorizer.denial(Action.DESCRIBE_TOPIC))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.DESCRIBE_TOPIC, topic)));
            }
        }
        if (denied.getResultsCount() == 0) {
            return listOffsets.handle(request);
        }
        ListOffsetsResponse.Builder response = allowed.getPartitionsCount() == 0 ? ListOffsetsResponse.newBuilder()
                : listOffsets.handle(allowed.build()).toBuilder();
        return response.addAllResults(denied.getResultsList()).build();
    }

    /**
     * A Metadata answer cut to what the caller may DESCRIBE: a listing of every topic leaves the others out (as if
     * they did not exist), a topic asked for by name is answered {@code TOPIC_AUTHORIZATION_FAILED}.
     */
    public MetadataResponse filterMetadata(MetadataRequest request, MetadataResponse response) {
        if (!authorizer.enabled()) {
            return response;
        }
        Caller caller = authorizer.caller();
        MetadataResponse.Builder filtered = response.toBuilder().clearTopics();
        for (TopicMetadata topic : response.getTopicsList()) {
            if (authorizer.allowed(caller, Action.DESCRIBE_TOPIC, topic.getName())) {
                filtered.addTopics(topic);
            } else if (request.getTopicsList().contains(topic.getName())) {
                filtered.addTopics(TopicMetadata.newBuilder().setName(topic.getName())
                        .setError(RequestAuthorizer.denial(Action.DESCRIBE_TOPIC))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.DESCRIBE_TOPIC,
                                topic.getName())));
            }
        }
        return filtered.build();
    }
}
