package dev.sluice.controller.io;

import dev.sluice.controller.AlterPartitionReply;
import dev.sluice.controller.BrokerRegistrationRequest;
import dev.sluice.controller.ControllerService;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.internal.v1.AllocateProducerIdsRequest;
import dev.sluice.proto.internal.v1.AllocateProducerIdsResponse;
import dev.sluice.proto.internal.v1.AlterPartitionRequest;
import dev.sluice.proto.internal.v1.AlterPartitionResponse;
import dev.sluice.proto.internal.v1.BrokerHeartbeatRequest;
import dev.sluice.proto.internal.v1.BrokerHeartbeatResponse;
import dev.sluice.proto.internal.v1.ControlledShutdownRequest;
import dev.sluice.proto.internal.v1.ControlledShutdownResponse;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.internal.v1.CreateInternalTopicRequest;
import dev.sluice.proto.internal.v1.CreateInternalTopicResponse;
import dev.sluice.proto.internal.v1.ForwardedAlterConfigsResponse;
import dev.sluice.proto.internal.v1.ForwardedCreateAclsResponse;
import dev.sluice.proto.internal.v1.ForwardedCreateTopicsResponse;
import dev.sluice.proto.internal.v1.ForwardedDeleteAclsResponse;
import dev.sluice.proto.internal.v1.ForwardedDeleteTopicsResponse;
import dev.sluice.proto.internal.v1.PartitionState;
import dev.sluice.proto.internal.v1.ReadBarrierRequest;
import dev.sluice.proto.internal.v1.ReadBarrierResponse;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.RegisterBrokerResponse;
import dev.sluice.proto.internal.v1.ReplicaBrokerEpoch;
import dev.sluice.proto.v1.AclResult;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.DeleteAclsFilterResult;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicResult;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/**
 * The internal {@code sluice.internal.v1.Controller} gRPC service on a controller node's controller port: converts
 * protobuf to {@link ControllerService} calls and back. A request that the service refuses because this node is not
 * the active controller is answered with a top-level {@code NOT_CONTROLLER} and, in {@code controller_id}, the Raft
 * leader this node knows of (-1 when none), so a broker can follow it.
 *
 * <p>A broker's own request (every request message of {@code controller.proto}) whose sender belongs to another
 * cluster is answered {@code INCONSISTENT_CLUSTER_ID} and never reaches the controller. Forwarded admin requests
 * reuse the public {@code sluice.v1} messages, which carry no sender, and are not checked.
 *
 * <p>Thread-safe: calls go to the controller's event queue; answers are sent from the thread completing the future.
 */
public final class ControllerGrpcService extends ControllerGrpc.ControllerImplBase {
    private final ControllerService controller;
    private final IntSupplier leaderId;
    private final ClusterIdCheck clusterIds;

    /**
     * {@code leaderId} reads the current Raft leader (-1: unknown), for the hint in refusals; {@code clusterIds}
     * refuses the requests of brokers of another cluster.
     */
    public ControllerGrpcService(ControllerService controller, IntSupplier leaderId, ClusterIdCheck clusterIds) {
        this.controller = controller;
        this.leaderId = leaderId;
        this.clusterIds = clusterIds;
    }

    @Override
    public void registerBroker(RegisterBrokerRequest request, StreamObserver<RegisterBrokerResponse> responses) {
        String refusal = clusterIds.refusal("Controller", request.getBrokerId(), request.getSender());
        if (refusal != null) {
            answer(responses, RegisterBrokerResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).setBrokerEpoch(-1).build());
            return;
        }
        BrokerRegistrationRequest registration = new BrokerRegistrationRequest(request.getBrokerId(),
                request.getHost(), request.getPort(), request.getRack(), request.getSender().getIncarnationId(),
                request.getSender().getDirectoryId(), request.getKafkaPort(), request.getLogStoreId());
        reply(controller.registerBroker(registration), responses, (r, leader) -> RegisterBrokerResponse.newBuilder()
                .setError(r.error()).setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage())
                .setControllerId(leader).setBrokerEpoch(r.brokerEpoch()).build());
    }

    @Override
    public void brokerHeartbeat(BrokerHeartbeatRequest request, StreamObserver<BrokerHeartbeatResponse> responses) {
        String refusal = clusterIds.refusal("Controller", request.getBrokerId(), request.getSender());
        if (refusal != null) {
            answer(responses, BrokerHeartbeatResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).build());
            return;
        }
        List<ReplicaLogEnd> logEnds = new ArrayList<>();
        for (dev.sluice.proto.internal.v1.ReplicaLogEnd end : request.getLeaderlessLogEndsList()) {
            if (end.getTopicId().size() != 16 || end.getPartition() < 0 || end.getLeaderEpoch() < -1
                    || end.getLogEndOffset() < 0) {
                answer(responses, BrokerHeartbeatResponse.newBuilder().setError(ErrorCode.INVALID_REQUEST)
                        .setErrorMessage("leaderless_log_ends has a bad entry: topic_id must be 16 bytes, partition "
                                + ">= 0, leader_epoch >= -1, log_end_offset >= 0; got " + end.getTopicId().size()
                                + " bytes, " + end.getPartition() + ", " + end.getLeaderEpoch() + ", "
                                + end.getLogEndOffset())
                        .setControllerId(leaderId.getAsInt()).build());
                return;
            }
            logEnds.add(new ReplicaLogEnd(MetadataRecords.topicId(end.getTopicId()), end.getPartition(),
                    end.getLeaderEpoch(), end.getLogEndOffset()));
        }
        reply(controller.brokerHeartbeat(request.getBrokerId(), request.getBrokerEpoch(), logEnds), responses,
                (r, leader) -> BrokerHeartbeatResponse.newBuilder().setError(r.error())
                        .setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage()).setControllerId(leader)
                        .setFenced(r.fenced()).build());
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<ForwardedCreateTopicsResponse> responses) {
        reply(controller.createTopics(request), responses, (r, leader) -> {
            TopicResult refusal = firstNotController(r.getResultsList());
            ForwardedCreateTopicsResponse.Builder builder = ForwardedCreateTopicsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<ForwardedDeleteTopicsResponse> responses) {
        reply(controller.deleteTopics(request), responses, (r, leader) -> {
            TopicResult refusal = firstNotController(r.getResultsList());
            ForwardedDeleteTopicsResponse.Builder builder = ForwardedDeleteTopicsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void alterConfigs(AlterConfigsRequest request, StreamObserver<ForwardedAlterConfigsResponse> responses) {
        reply(controller.alterConfigs(request), responses, (r, leader) -> {
            TopicResult refusal = firstNotController(r.getResultsList());
            ForwardedAlterConfigsResponse.Builder builder = ForwardedAlterConfigsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void createAcls(CreateAclsRequest request, StreamObserver<ForwardedCreateAclsResponse> responses) {
        reply(controller.createAcls(request), responses, (r, leader) -> {
            AclResult refusal = r.getResultsList().stream().filter(a -> a.getError() == ErrorCode.NOT_CONTROLLER)
                    .findFirst().orElse(null);
            ForwardedCreateAclsResponse.Builder builder = ForwardedCreateAclsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void deleteAcls(DeleteAclsRequest request, StreamObserver<ForwardedDeleteAclsResponse> responses) {
        reply(controller.deleteAcls(request), responses, (r, leader) -> {
            DeleteAclsFilterResult refusal = r.getResultsList().stream()
                    .filter(a -> a.getError() == ErrorCode.NOT_CONTROLLER).findFirst().orElse(null);
            ForwardedDeleteAclsResponse.Builder builder = ForwardedDeleteAclsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void alterUserScramCredentials(dev.sluice.proto.v1.AlterUserScramCredentialsRequest request,
            StreamObserver<dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse> responses) {
        reply(controller.alterUserScramCredentials(request), responses, (r, leader) -> {
            dev.sluice.proto.v1.UserResult refusal = r.getResultsList().stream()
                    .filter(a -> a.getError() == ErrorCode.NOT_CONTROLLER).findFirst().orElse(null);
            var builder = dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void alterClientQuotas(dev.sluice.proto.v1.AlterClientQuotasRequest request,
            StreamObserver<dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse> responses) {
        reply(controller.alterClientQuotas(request), responses, (r, leader) -> {
            dev.sluice.proto.v1.QuotaAlterationResult refusal = r.getResultsList().stream()
                    .filter(a -> a.getError() == ErrorCode.NOT_CONTROLLER).findFirst().orElse(null);
            var builder = dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse.newBuilder()
                    .setControllerId(leader).setResponse(r);
            return refusal == null ? builder.build() : builder.setError(ErrorCode.NOT_CONTROLLER)
                    .setErrorMessage(refusal.getErrorMessage()).build();
        });
    }

    @Override
    public void createInternalTopic(CreateInternalTopicRequest request,
            StreamObserver<CreateInternalTopicResponse> responses) {
        String refusal = clusterIds.refusal("Controller", -1, request.getSender());
        if (refusal != null) {
            // The broker reads the result, so the refusal goes there too.
            answer(responses, CreateInternalTopicResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).setResult(TopicResult.newBuilder()
                            .setName(request.getName()).setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                            .setErrorMessage(refusal)).build());
            return;
        }
        reply(controller.createInternalTopic(request.getName(), request.getPartitions(),
                request.getReplicationFactor(), request.getConfigsMap()), responses, (r, leader) -> {
                    CreateInternalTopicResponse.Builder builder = CreateInternalTopicResponse.newBuilder()
                            .setControllerId(leader).setResult(r);
                    return r.getError() != ErrorCode.NOT_CONTROLLER ? builder.build()
                            : builder.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(r.getErrorMessage()).build();
                });
    }

    @Override
    public void alterPartition(AlterPartitionRequest request, StreamObserver<AlterPartitionResponse> responses) {
        String refusal = clusterIds.refusal("Controller", request.getLeaderId(), request.getSender());
        if (refusal != null) {
            answer(responses, AlterPartitionResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).build());
            return;
        }
        if (request.getTopicId().size() != 16) {
            responses.onNext(AlterPartitionResponse.newBuilder().setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage("topic_id must be 16 bytes").setControllerId(leaderId.getAsInt()).build());
            responses.onCompleted();
            return;
        }
        reply(controller.alterPartition(MetadataRecords.topicId(request.getTopicId()), request.getPartition(),
                request.getLeaderId(),
                request.getLeaderEpoch(), request.getPartitionEpoch(), request.getNewIsrList(),
                joiningEpochs(request)), responses,
                ControllerGrpcService::alterPartitionResponse);
    }

    @Override
    public void allocateProducerIds(AllocateProducerIdsRequest request,
            StreamObserver<AllocateProducerIdsResponse> responses) {
        String refusal = clusterIds.refusal("Controller", request.getBrokerId(), request.getSender());
        if (refusal != null) {
            answer(responses, AllocateProducerIdsResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).build());
            return;
        }
        reply(controller.allocateProducerIds(request.getBrokerId(), request.getCount()), responses,
                (r, leader) -> AllocateProducerIdsResponse.newBuilder().setError(r.error())
                        .setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage()).setControllerId(leader)
                        .setFirstProducerId(r.firstProducerId()).setCount(r.count()).build());
    }

    @Override
    public void reassignPartition(dev.sluice.proto.v1.ReassignPartitionRequest request,
            StreamObserver<dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse> responses) {
        reply(controller.reassignPartition(request), responses, (r, leader) -> {
            var builder = dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse.newBuilder()
                    .setControllerId(leader).setResult(r);
            return r.getError() != ErrorCode.NOT_CONTROLLER ? builder.build()
                    : builder.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(r.getErrorMessage()).build();
        });
    }

    @Override
    public void controlledShutdown(ControlledShutdownRequest request,
            StreamObserver<ControlledShutdownResponse> responses) {
        String refusal = clusterIds.refusal("Controller", request.getBrokerId(), request.getSender());
        if (refusal != null) {
            answer(responses, ControlledShutdownResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).build());
            return;
        }
        reply(controller.controlledShutdown(request.getBrokerId(), request.getBrokerEpoch()), responses,
                (r, leader) -> ControlledShutdownResponse.newBuilder().setError(r.error())
                        .setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage()).setControllerId(leader)
                        .build());
    }

    /** A read index for a broker's admin read; see {@link ControllerService#readBarrier()}. */
    @Override
    public void readBarrier(ReadBarrierRequest request, StreamObserver<ReadBarrierResponse> responses) {
        String refusal = clusterIds.refusal("Controller", -1, request.getSender());
        if (refusal != null) {
            answer(responses, ReadBarrierResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).setControllerId(-1).build());
            return;
        }
        reply(controller.readBarrier(), responses, (r, leader) -> ReadBarrierResponse.newBuilder().setError(r.error())
                .setErrorMessage(r.errorMessage() == null ? "" : r.errorMessage()).setControllerId(leader)
                .setOffset(r.offset()).build());
    }

    private static Map<Integer, Long> joiningEpochs(AlterPartitionRequest request) {
        Map<Integer, Long> epochs = new HashMap<>();
        for (ReplicaBrokerEpoch joining : request.getJoiningEpochsList()) {
            epochs.put(joining.getBrokerId(), joining.getBrokerEpoch());
        }
        return epochs;
    }

    private static AlterPartitionResponse alterPartitionResponse(AlterPartitionReply reply, int leader) {
        AlterPartitionResponse.Builder builder = AlterPartitionResponse.newBuilder().setError(reply.error())
                .setErrorMessage(reply.errorMessage() == null ? "" : reply.errorMessage()).setControllerId(leader);
        PartitionImage partition = reply.partition();
        if (partition != null) {
            builder.setPartition(PartitionState.newBuilder().addAllReplicas(partition.replicas())
                    .addAllIsr(partition.isr()).setLeaderId(partition.leaderId())
                    .setLeaderEpoch(partition.leaderEpoch()).setPartitionEpoch(partition.partitionEpoch()));
        }
        return builder.build();
    }

    private <R, P> void reply(CompletableFuture<R> future, StreamObserver<P> responses,
            BiFunction<R, Integer, P> convert) {
        future.whenComplete((result, failure) -> {
            if (failure != null) {
                // An unexpected failure inside the controller; the caller sees a transport-level error and retries.
                responses.onError(Status.INTERNAL.withDescription(String.valueOf(failure.getMessage()))
                        .withCause(failure).asRuntimeException());
                return;
            }
            responses.onNext(convert.apply(result, leaderId.getAsInt()));
            responses.onCompleted();
        });
    }

    private static <P> void answer(StreamObserver<P> responses, P response) {
        responses.onNext(response);
        responses.onCompleted();
    }

    private static TopicResult firstNotController(List<TopicResult> results) {
        return results.stream().filter(r -> r.getError() == ErrorCode.NOT_CONTROLLER).findFirst().orElse(null);
    }
}
