package dev.sluice.broker.rpc;

import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.quota.ClientQuotas;
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
import dev.sluice.metadata.QuotaKey;
import dev.sluice.security.Principals;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The partition data path (produce, fetch, list offsets, metadata) behind the ACL checks, for both client protocols:
 * the partitions of topics the caller may not use are answered {@code TOPIC_AUTHORIZATION_FAILED} and never reach
 * the handler, the rest go through unchanged (as Kafka answers per topic). Their results come after the handler's,
 * which clients match by topic and partition. With authorization off each call is the handler's own.
 *
 * <p>Produce and fetch are also measured against the caller's quotas ({@link ClientQuotas}): produced bytes as they
 * arrive, fetched bytes as they leave, and the handler's synchronous time for {@code request_percentage}. A throttled
 * response is the full answer with {@code throttle_time_ms} set; holding the client's next request is the listener's
 * part ({@link #holdMs}). Replica fetches do not come here and are never throttled, as in Kafka.
 *
 * <p>Thread-safe; call on the thread of the request (the caller is read from its context).
 */
public final class AuthorizedBrokerCalls {
    private final RequestAuthorizer authorizer;
    private final ProduceHandler produce;
    private final FetchHandler fetch;
    private final ListOffsetsHandler listOffsets;
    private final ClientQuotas quotas;

    public AuthorizedBrokerCalls(RequestAuthorizer authorizer, ProduceHandler produce, FetchHandler fetch,
                                 ListOffsetsHandler listOffsets) {
        this(authorizer, produce, fetch, listOffsets, ClientQuotas.none());
    }

    public AuthorizedBrokerCalls(RequestAuthorizer authorizer, ProduceHandler produce, FetchHandler fetch,
                                 ListOffsetsHandler listOffsets, ClientQuotas quotas) {
        this.authorizer = authorizer;
        this.produce = produce;
        this.fetch = fetch;
        this.listOffsets = listOffsets;
        this.quotas = quotas;
    }

    /** The caller of this thread's call, as quotas see it: its principal's name and its client id. */
    public static ClientQuotas.Client quotaClient() {
        return new ClientQuotas.Client(Principals.current(), Principals.currentClientId());
    }

    /**
     * How long this thread's caller must still wait before a request of {@code key}'s kind is handled: the rest of
     * the throttle its last response announced (and of its request-time throttle). 0 for a client that honours it.
     */
    public long holdMs(QuotaKey key) {
        if (!quotas.active()) {
            return 0;
        }
        ClientQuotas.Client client = quotaClient();
        return Math.max(quotas.remainingThrottleMs(key, client),
                quotas.remainingThrottleMs(QuotaKey.REQUEST_PERCENTAGE, client));
    }

    /** Produce, measured against the caller's {@code producer_byte_rate} and {@code request_percentage}. */
    public CompletableFuture<ProduceResponse> produce(ProduceRequestView request) {
        if (!quotas.active()) {
            return authorizedProduce(request);
        }
        ClientQuotas.Client client = quotaClient();
        long startNanos = System.nanoTime();
        CompletableFuture<ProduceResponse> response = authorizedProduce(request);
        long throttleMs = Math.max(quotas.record(QuotaKey.PRODUCER_BYTE_RATE, client, producedBytes(request)),
                quotas.record(QuotaKey.REQUEST_PERCENTAGE, client, millisSince(startNanos)));
        return throttleMs == 0 ? response
                : response.thenApply(r -> r.toBuilder().setThrottleTimeMs(clampMs(throttleMs)).build());
    }

    /** Fetch, measured against the caller's {@code consumer_byte_rate} and {@code request_percentage}. */
    public CompletableFuture<FetchResponseView> fetch(FetchRequest request) {
        if (!quotas.active()) {
            return authorizedFetch(request);
        }
        ClientQuotas.Client client = quotaClient();
        long startNanos = System.nanoTime();
        CompletableFuture<FetchResponseView> response = authorizedFetch(request);
        double handlerMs = millisSince(startNanos);
        return response.thenApply(r -> {
            long throttleMs = Math.max(quotas.record(QuotaKey.CONSUMER_BYTE_RATE, client, fetchedBytes(r)),
                    quotas.record(QuotaKey.REQUEST_PERCENTAGE, client, handlerMs));
            return throttleMs == 0 ? r : r.toBuilder().setThrottleTimeMs(clampMs(throttleMs)).build();
        });
    }

    /** See {@link FetchHandler#readsStore}: whether {@link #fetch} would read stored batches now. */
    public boolean fetchReadsStore(FetchRequest request) {
        return fetch.readsStore(request);
    }

    private static long producedBytes(ProduceRequestView request) {
        long bytes = 0;
        for (ProducePartitionView partition : request.getPartitionsList()) {
            bytes += partition.getBatch().getSerializedSize();
        }
        return bytes;
    }

    private static long fetchedBytes(FetchResponseView response) {
        long bytes = 0;
        for (FetchPartitionResultView result : response.getResultsList()) {
            for (int i = 0; i < result.getBatchesCount(); i++) {
                bytes += result.getBatches(i).size();
            }
        }
        return bytes;
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    private static int clampMs(long ms) {
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    public RequestAuthorizer authorizer() {
        return authorizer;
    }

    /** WRITE on each topic. */
    private CompletableFuture<ProduceResponse> authorizedProduce(ProduceRequestView request) {
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
    private CompletableFuture<FetchResponseView> authorizedFetch(FetchRequest request) {
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
