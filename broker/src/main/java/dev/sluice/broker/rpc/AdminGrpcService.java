package dev.sluice.broker.rpc;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.AdminGrpc;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.BrokerInfo;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.DescribeAclsRequest;
import dev.sluice.proto.v1.DescribeAclsResponse;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.DescribeClusterRequest;
import dev.sluice.proto.v1.DescribeClusterResponse;
import dev.sluice.proto.v1.DescribeTopicsRequest;
import dev.sluice.proto.v1.DescribeTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListTopicsRequest;
import dev.sluice.proto.v1.ListTopicsResponse;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.PartitionDescription;
import dev.sluice.proto.v1.QuorumInfo;
import dev.sluice.proto.v1.TopicDescription;
import dev.sluice.proto.v1.TopicListing;
import dev.sluice.proto.v1.TopicResult;
import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The public {@code sluice.v1.Admin} service on the broker port. Changes go to the controller through a
 * {@link ControllerChannel}; reads come from this broker's metadata image and local logs.
 *
 * <p>Linearizable metadata reads: before answering DescribeTopics or ListTopics the broker takes a read barrier, the
 * offset of an entry the active controller committed after the request arrived
 * ({@link ControllerChannel#readBarrier()}), and waits until its own image has applied that offset, so the answer
 * reflects every change acknowledged before the read began, whichever broker acknowledged it. When the barrier is
 * refused or the image does not get there within {@value #APPLY_WAIT_MS} ms the read is answered with a retriable
 * error ({@code NOT_CONTROLLER} or {@code REQUEST_TIMED_OUT}) instead of possibly stale data.
 *
 * <p>Read your writes at this broker: after a successful create, delete or config change it takes a barrier the same
 * way before acknowledging, so this broker's image (which produce, fetch and Metadata use) already shows the change.
 * If that barrier fails, the change is acknowledged anyway, since it is committed.
 *
 * <p>Authorization ({@link RequestAuthorizer}): creating a topic needs CREATE on the cluster or the topic, deleting
 * DELETE, altering configs ALTER_CONFIGS, describing DESCRIBE (its configs DESCRIBE_CONFIGS), moving a partition
 * ALTER on the cluster; listing shows only the topics the caller may DESCRIBE. The refused topics of a request are
 * answered with {@code TOPIC_AUTHORIZATION_FAILED} and never reach the controller; the rest proceed. ACLs:
 * {@link AclAdmin}.
 *
 * <p>Thread-safe; answers that waited are sent from the common pool, not from the thread applying metadata.
 */
public final class AdminGrpcService extends AdminGrpc.AdminImplBase {
    /** How long a read waits for this broker's image to reach the barrier, in milliseconds. */
    static final long APPLY_WAIT_MS = 5_000;

    private final ControllerChannel controller;
    private final Supplier<MetadataImage> image;
    private final LogStore logStore;
    private final String clusterId;
    private final Supplier<QuorumInfo> quorum;
    private final AppliedOffsetWaiters applied;
    private final RequestAuthorizer authorizer;
    private final ControllerChangeReplies replies;
    private final AclAdmin acls;
    private final QuotaAdmin quotas;

    /** {@code applied} follows the same image as {@code image}. */
    public AdminGrpcService(ControllerChannel controller, Supplier<MetadataImage> image, LogStore logStore,
                            String clusterId, Supplier<QuorumInfo> quorum, AppliedOffsetWaiters applied) {
        this(controller, image, logStore, clusterId, quorum, applied, RequestAuthorizer.OFF);
    }

    /** With every call checked by {@code authorizer} first. */
    public AdminGrpcService(ControllerChannel controller, Supplier<MetadataImage> image, LogStore logStore,
                            String clusterId, Supplier<QuorumInfo> quorum, AppliedOffsetWaiters applied,
                            RequestAuthorizer authorizer) {
        this.authorizer = authorizer;
        this.replies = new ControllerChangeReplies(this::readBarrier);
        this.acls = new AclAdmin(controller, image, authorizer, replies);
        this.quotas = new QuotaAdmin(controller, image, authorizer, replies);
        this.controller = controller;
        this.applied = applied;
        this.image = image;
        this.logStore = logStore;
        this.clusterId = clusterId;
        this.quorum = quorum;
    }

    /** The ACL checks this service applies, for callers that check more (Kafka's DescribeConfigs). */
    public RequestAuthorizer authorizer() {
        return authorizer;
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> responses) {
        TopicSplit<NewTopic> split = TopicSplit.of(authorizer, Action.CREATE_TOPIC, request.getTopicsList(),
                NewTopic::getName);
        if (split.denied().isEmpty()) {
            forwardCreateTopics(request, responses);
            return;
        }
        StreamObserver<CreateTopicsResponse> answer = TopicSplit.withDenied(responses,
                r -> r.toBuilder().addAllResults(split.denied()).build());
        if (split.allowed().isEmpty()) {
            BrokerGrpcService.reply(answer, CreateTopicsResponse.getDefaultInstance());
            return;
        }
        forwardCreateTopics(request.toBuilder().clearTopics().addAllTopics(split.allowed()).build(), answer);
    }

    private void forwardCreateTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> responses) {
        controller.createTopics(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                CreateTopicsResponse.Builder failed = CreateTopicsResponse.newBuilder();
                request.getTopicsList().forEach(t -> failed.addResults(controllerFailure(t.getName(), failure)));
                BrokerGrpcService.reply(responses, failed.build());
                return;
            }
            replies.reply(!request.getValidateOnly() && anySucceeded(response.getResultsList()), responses, response);
        });
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> responses) {
        TopicSplit<String> split = TopicSplit.of(authorizer, Action.DELETE_TOPIC, request.getNamesList(),
                name -> name);
        if (split.denied().isEmpty()) {
            forwardDeleteTopics(request, responses);
            return;
        }
        StreamObserver<DeleteTopicsResponse> answer = TopicSplit.withDenied(responses,
                r -> r.toBuilder().addAllResults(split.denied()).build());
        if (split.allowed().isEmpty()) {
            BrokerGrpcService.reply(answer, DeleteTopicsResponse.getDefaultInstance());
            return;
        }
        forwardDeleteTopics(request.toBuilder().clearNames().addAllNames(split.allowed()).build(), answer);
    }

    private void forwardDeleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> responses) {
        controller.deleteTopics(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                DeleteTopicsResponse.Builder failed = DeleteTopicsResponse.newBuilder();
                request.getNamesList().forEach(name -> failed.addResults(controllerFailure(name, failure)));
                BrokerGrpcService.reply(responses, failed.build());
                return;
            }
            replies.reply(anySucceeded(response.getResultsList()), responses, response);
        });
    }

    @Override
    public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> responses) {
        TopicSplit<ConfigAlteration> split = TopicSplit.of(authorizer, Action.ALTER_TOPIC_CONFIGS,
                request.getAlterationsList(), ConfigAlteration::getTopic);
        if (split.denied().isEmpty()) {
            forwardAlterConfigs(request, responses);
            return;
        }
        StreamObserver<AlterConfigsResponse> answer = TopicSplit.withDenied(responses,
                r -> r.toBuilder().addAllResults(split.denied()).build());
        if (split.allowed().isEmpty()) {
            BrokerGrpcService.reply(answer, AlterConfigsResponse.getDefaultInstance());
            return;
        }
        forwardAlterConfigs(request.toBuilder().clearAlterations().addAllAlterations(split.allowed()).build(),
                answer);
    }

    private void forwardAlterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> responses) {
        controller.alterConfigs(request).whenComplete((response, failure) -> {
            if (failure != null) {
                AlterConfigsResponse.Builder failed = AlterConfigsResponse.newBuilder();
                request.getAlterationsList().forEach(a -> failed.addResults(controllerFailure(a.getTopic(), failure)));
                BrokerGrpcService.reply(responses, failed.build());
                return;
            }
            replies.reply(anySucceeded(response.getResultsList()), responses, response);
        });
    }

    /** Forwarded to the controller; answered once committed (the replicas then follow the image). */
    @Override
    public void reassignPartition(dev.sluice.proto.v1.ReassignPartitionRequest request,
            StreamObserver<TopicResult> responses) {
        List<TopicResult> denied = TopicSplit.of(authorizer, Action.ALTER_CLUSTER, List.of(request.getTopic()),
                topic -> topic).denied();
        if (!denied.isEmpty()) {
            BrokerGrpcService.reply(responses, denied.get(0));
            return;
        }
        controller.reassignPartition(request).whenComplete((result, failure) -> BrokerGrpcService.reply(responses,
                failure != null ? controllerFailure(request.getTopic(), failure) : result));
    }

    @Override
    public void createAcls(CreateAclsRequest request, StreamObserver<CreateAclsResponse> responses) {
        acls.createAcls(request, responses);
    }

    @Override
    public void deleteAcls(DeleteAclsRequest request, StreamObserver<DeleteAclsResponse> responses) {
        acls.deleteAcls(request, responses);
    }

    @Override
    public void describeAcls(DescribeAclsRequest request, StreamObserver<DescribeAclsResponse> responses) {
        acls.describeAcls(request, responses);
    }

    @Override
    public void alterClientQuotas(dev.sluice.proto.v1.AlterClientQuotasRequest request,
                                  StreamObserver<dev.sluice.proto.v1.AlterClientQuotasResponse> responses) {
        quotas.alterClientQuotas(request, responses);
    }

    @Override
    public void describeClientQuotas(dev.sluice.proto.v1.DescribeClientQuotasRequest request,
                                     StreamObserver<dev.sluice.proto.v1.DescribeClientQuotasResponse> responses) {
        quotas.describeClientQuotas(request, responses);
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> responses) {
        Caller caller = authorizer.caller();
        readBarrier().whenCompleteAsync((barrier, failure) -> {
            if (barrier.error() != ErrorCode.NONE) {
                BrokerGrpcService.reply(responses, ListTopicsResponse.newBuilder().setError(barrier.error())
                        .setErrorMessage(barrier.errorMessage()).build());
                return;
            }
            BrokerGrpcService.reply(responses, listTopics(request, caller));
        });
    }

    private ListTopicsResponse listTopics(ListTopicsRequest request, Caller caller) {
        ListTopicsResponse.Builder response = ListTopicsResponse.newBuilder();
        for (TopicImage topic : image.get().topics().topicsByName().values()) {
            if (topic.isInternal() && !request.getIncludeInternal()
                    || !authorizer.allowed(caller, Action.DESCRIBE_TOPIC, topic.name())) {
                continue;
            }
            // The smallest replica count: a partition being moved lists its new and old replicas together for a while.
            int replicationFactor = topic.partitions().values().stream().mapToInt(p -> p.replicas().size()).min()
                    .orElse(0);
            response.addTopics(TopicListing.newBuilder().setName(topic.name()).setTopicId(topic.id().toString())
                    .setPartitions(topic.partitions().size())
                    .setReplicationFactor(replicationFactor)
                    .setInternal(topic.isInternal()));
        }
        return response.build();
    }

    @Override
    public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> responses) {
        Caller caller = authorizer.caller();
        readBarrier().whenCompleteAsync((barrier, failure) -> {
            if (barrier.error() != ErrorCode.NONE) {
                DescribeTopicsResponse.Builder refused = DescribeTopicsResponse.newBuilder();
                request.getNamesList().forEach(name -> refused.addTopics(TopicDescription.newBuilder().setName(name)
                        .setError(barrier.error()).setErrorMessage(barrier.errorMessage())));
                BrokerGrpcService.reply(responses, refused.build());
                return;
            }
            BrokerGrpcService.reply(responses, describeTopics(request, caller));
        });
    }

    /** Needs DESCRIBE on each topic; its configs are shown only with DESCRIBE_CONFIGS on it. */
    private DescribeTopicsResponse describeTopics(DescribeTopicsRequest request, Caller caller) {
        MetadataImage current = image.get();
        DescribeTopicsResponse.Builder response = DescribeTopicsResponse.newBuilder();
        for (String name : request.getNamesList()) {
            if (!authorizer.allowed(caller, Action.DESCRIBE_TOPIC, name)) {
                response.addTopics(TopicDescription.newBuilder().setName(name)
                        .setError(RequestAuthorizer.denial(Action.DESCRIBE_TOPIC))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.DESCRIBE_TOPIC, name)));
                continue;
            }
            TopicImage topic = current.topics().topic(name);
            if (topic == null) {
                response.addTopics(TopicDescription.newBuilder().setName(name)
                        .setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                        .setErrorMessage("unknown topic '" + name + "'"));
                continue;
            }
            TopicDescription.Builder description = TopicDescription.newBuilder().setName(name)
                    .setTopicId(topic.id().toString()).setInternal(topic.isInternal())
                    .putAllConfigs(authorizer.allowed(caller, Action.DESCRIBE_TOPIC_CONFIGS, name)
                            ? current.configs().explicit(name) : Map.of());
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                description.addPartitions(describePartition(topic.id(), entry.getKey(), entry.getValue()));
            }
            response.addTopics(description);
        }
        return response.build();
    }

    @Override
    public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> responses) {
        QuorumInfo quorumInfo = quorum.get();
        DescribeClusterResponse.Builder response = DescribeClusterResponse.newBuilder().setClusterId(clusterId)
                .setControllerId(quorumInfo.getLeaderId()).setQuorum(quorumInfo);
        for (BrokerRegistration broker : image.get().cluster().brokers().values()) {
            response.addBrokers(BrokerInfo.newBuilder().setNodeId(broker.id()).setHost(broker.host())
                    .setPort(broker.port()).setRack(broker.rack() == null ? "" : broker.rack())
                    .setFenced(broker.fenced()).setBrokerEpoch(broker.epoch()));
        }
        BrokerGrpcService.reply(responses, response.build());
    }

    private PartitionDescription describePartition(UUID topicId, int index, PartitionImage partition) {
        PartitionDescription.Builder builder = PartitionDescription.newBuilder().setPartition(index)
                .setLeaderId(partition.leaderId()).setLeaderEpoch(partition.leaderEpoch())
                .addAllReplicas(partition.replicas()).addAllIsr(partition.isr())
                .setLogStartOffset(-1).setLogEndOffset(-1).setHighWatermark(-1);
        logStore.findPartition(new PartitionKey(topicId, index)).ifPresent(log -> builder
                .setLogStartOffset(log.logStartOffset()).setLogEndOffset(log.logEndOffset())
                .setHighWatermark(log.highWatermark()));
        return builder.build();
    }

    private static TopicResult controllerFailure(String topic, Throwable failure) {
        return TopicResult.newBuilder().setName(topic).setError(ErrorCode.NOT_CONTROLLER)
                .setErrorMessage(ControllerChangeReplies.failureMessage(failure)).build();
    }

    /**
     * The read barrier: completes (never exceptionally) with {@code NONE} once this broker's image has applied an
     * offset the active controller committed after this call, or with the retriable error that stopped it.
     */
    private CompletableFuture<ReadBarrierReply> readBarrier() {
        return controller.readBarrier().thenCompose(barrier -> {
            if (barrier.error() != ErrorCode.NONE) {
                return CompletableFuture.completedFuture(barrier);
            }
            return applied.await(barrier.offset(), APPLY_WAIT_MS).thenApply(reached -> reached ? barrier
                    : ReadBarrierReply.error(ErrorCode.REQUEST_TIMED_OUT, "this broker's metadata did not reach offset "
                    + barrier.offset() + " within " + APPLY_WAIT_MS + " ms (it is at " + applied.appliedOffset()
                    + "); retry, possibly on another broker"));
        }).exceptionally(failure -> ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER,
                "the read barrier failed: " + failure));
    }

    private static boolean anySucceeded(List<TopicResult> results) {
        return results.stream().anyMatch(r -> r.getError() == ErrorCode.NONE);
    }
}
