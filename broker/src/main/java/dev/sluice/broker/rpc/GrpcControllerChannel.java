package dev.sluice.broker.rpc;

import dev.sluice.security.ChannelSecurity;
import dev.sluice.controller.AlterPartitionReply;
import dev.sluice.controller.BrokerHeartbeatReply;
import dev.sluice.controller.BrokerRegistrationReply;
import dev.sluice.controller.ControlledShutdownReply;
import dev.sluice.controller.ProducerIdsReply;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.identity.NodeIdentity;
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
import dev.sluice.proto.internal.v1.CreateInternalTopicRequest;
import dev.sluice.proto.internal.v1.CreateInternalTopicResponse;
import dev.sluice.proto.internal.v1.ForwardedAlterConfigsResponse;
import dev.sluice.proto.internal.v1.ForwardedCreateAclsResponse;
import dev.sluice.proto.internal.v1.ForwardedDeleteAclsResponse;
import dev.sluice.proto.internal.v1.ForwardedCreateTopicsResponse;
import dev.sluice.proto.internal.v1.ForwardedDeleteTopicsResponse;
import dev.sluice.proto.internal.v1.PartitionState;
import dev.sluice.proto.internal.v1.ReadBarrierRequest;
import dev.sluice.proto.internal.v1.ReadBarrierResponse;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.RegisterBrokerResponse;
import dev.sluice.proto.internal.v1.ReplicaBrokerEpoch;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.v1.AclResult;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteAclsFilterResult;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * The {@link ControllerChannel} of every broker, combined or not: requests go over gRPC to the internal
 * {@code Controller} service of the active controller, found and followed by a {@link ControllerRouter}. A combined
 * node that leads the quorum reaches its own controller through its own controller port, so there is one code path.
 * When no active controller answers within the request timeout the answer is {@code NOT_CONTROLLER} (retriable).
 * Every request of the broker's own carries this process's {@link NodeIdentity}.
 * Topic creates, deletes, config changes and ACL changes are never resent after a call that may have reached a
 * controller; they answer {@code REQUEST_TIMED_OUT} (outcome unknown) ({@link ControllerRouter#sendAtMostOnce}).
 *
 * <p>Thread-safe; see {@link ControllerRouter} for threads and timing.
 */
public final class GrpcControllerChannel implements ControllerChannel, AutoCloseable {
    private final ControllerRouter router;
    private final SenderIdentity sender;

    /**
     * {@code voters} maps each controller id to its controller-port address; {@code raftLeader} reads the leader this
     * node's Raft replica knows of (-1 when none); {@code identity} goes with every request of the broker's own.
     */
    public GrpcControllerChannel(Map<Integer, InetSocketAddress> voters, IntSupplier raftLeader,
                                 ScheduledExecutorService scheduler, NodeIdentity identity) {
        this(voters, raftLeader, scheduler, identity, ChannelSecurity.PLAINTEXT);
    }

    /** As above, over channels secured by {@code security} (TLS with the controller listener's files). */
    public GrpcControllerChannel(Map<Integer, InetSocketAddress> voters, IntSupplier raftLeader,
                                 ScheduledExecutorService scheduler, NodeIdentity identity, ChannelSecurity security) {
        this(voters, raftLeader, scheduler, ControllerRouter.Settings.DEFAULT, identity, security);
    }

    GrpcControllerChannel(Map<Integer, InetSocketAddress> voters, IntSupplier raftLeader,
                          ScheduledExecutorService scheduler, ControllerRouter.Settings settings,
                          NodeIdentity identity) {
        this(voters, raftLeader, scheduler, settings, identity, ChannelSecurity.PLAINTEXT);
    }

    private GrpcControllerChannel(Map<Integer, InetSocketAddress> voters, IntSupplier raftLeader,
                                  ScheduledExecutorService scheduler, ControllerRouter.Settings settings,
                                  NodeIdentity identity, ChannelSecurity security) {
        this.router = new ControllerRouter(voters, raftLeader, scheduler, settings, System::nanoTime, security);
        this.sender = identity.toProto();
    }

    @Override
    public CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request) {
        return router.sendAtMostOnce("CreateTopics", stub -> stub.createTopics(request), CREATE,
                ForwardedCreateTopicsResponse::getResponse,
                message -> CreateTopicsResponse.newBuilder().addAllResults(
                        refusals(request.getTopicsList().stream().map(NewTopic::getName), message)).build(),
                message -> CreateTopicsResponse.newBuilder().addAllResults(
                        unknownOutcomes(request.getTopicsList().stream().map(NewTopic::getName), message)).build());
    }

    @Override
    public CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request) {
        return router.sendAtMostOnce("DeleteTopics", stub -> stub.deleteTopics(request), DELETE,
                ForwardedDeleteTopicsResponse::getResponse,
                message -> DeleteTopicsResponse.newBuilder().addAllResults(
                        refusals(request.getNamesList().stream(), message)).build(),
                message -> DeleteTopicsResponse.newBuilder().addAllResults(
                        unknownOutcomes(request.getNamesList().stream(), message)).build());
    }

    @Override
    public CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request) {
        return router.sendAtMostOnce("AlterConfigs", stub -> stub.alterConfigs(request), ALTER,
                ForwardedAlterConfigsResponse::getResponse,
                message -> AlterConfigsResponse.newBuilder().addAllResults(
                        refusals(request.getAlterationsList().stream().map(ConfigAlteration::getTopic), message))
                        .build(),
                message -> AlterConfigsResponse.newBuilder().addAllResults(
                        unknownOutcomes(request.getAlterationsList().stream().map(ConfigAlteration::getTopic),
                                message)).build());
    }

    @Override
    public CompletableFuture<dev.sluice.proto.v1.AlterClientQuotasResponse> alterClientQuotas(
            dev.sluice.proto.v1.AlterClientQuotasRequest request) {
        return router.sendAtMostOnce("AlterClientQuotas", stub -> stub.alterClientQuotas(request),
                ALTER_QUOTAS, dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse::getResponse,
                message -> QuotaAdmin.refused(request, ErrorCode.NOT_CONTROLLER, message),
                message -> QuotaAdmin.refused(request, ErrorCode.REQUEST_TIMED_OUT, message));
    }

    @Override
    public CompletableFuture<dev.sluice.proto.v1.AlterUserScramCredentialsResponse> alterUserScramCredentials(
            dev.sluice.proto.v1.AlterUserScramCredentialsRequest request) {
        return router.sendAtMostOnce("AlterUserScramCredentials", stub -> stub.alterUserScramCredentials(request),
                ALTER_SCRAM, dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse::getResponse,
                message -> UsersGrpcService.refused(request, ErrorCode.NOT_CONTROLLER, message),
                message -> UsersGrpcService.refused(request, ErrorCode.REQUEST_TIMED_OUT, message));
    }

    @Override
    public CompletableFuture<CreateAclsResponse> createAcls(CreateAclsRequest request) {
        int count = request.getCreationsCount();
        return router.sendAtMostOnce("CreateAcls", stub -> stub.createAcls(request), CREATE_ACLS,
                ForwardedCreateAclsResponse::getResponse,
                message -> aclCreations(count, ErrorCode.NOT_CONTROLLER, message),
                message -> aclCreations(count, ErrorCode.REQUEST_TIMED_OUT, message));
    }

    @Override
    public CompletableFuture<DeleteAclsResponse> deleteAcls(DeleteAclsRequest request) {
        int count = request.getFiltersCount();
        return router.sendAtMostOnce("DeleteAcls", stub -> stub.deleteAcls(request), DELETE_ACLS,
                ForwardedDeleteAclsResponse::getResponse,
                message -> aclDeletions(count, ErrorCode.NOT_CONTROLLER, message),
                message -> aclDeletions(count, ErrorCode.REQUEST_TIMED_OUT, message));
    }

    private static CreateAclsResponse aclCreations(int count, ErrorCode error, String message) {
        CreateAclsResponse.Builder response = CreateAclsResponse.newBuilder();
        for (int i = 0; i < count; i++) {
            response.addResults(AclResult.newBuilder().setError(error).setErrorMessage(message));
        }
        return response.build();
    }

    private static DeleteAclsResponse aclDeletions(int count, ErrorCode error, String message) {
        DeleteAclsResponse.Builder response = DeleteAclsResponse.newBuilder();
        for (int i = 0; i < count; i++) {
            response.addResults(DeleteAclsFilterResult.newBuilder().setError(error).setErrorMessage(message));
        }
        return response.build();
    }

    @Override
    public CompletableFuture<TopicResult> createInternalTopic(String name, int partitionCount, int replicationFactor,
            Map<String, String> configs) {
        CreateInternalTopicRequest request = CreateInternalTopicRequest.newBuilder().setName(name)
                .setPartitions(partitionCount).setReplicationFactor(replicationFactor).putAllConfigs(configs)
                .setSender(sender).build();
        return router.send("CreateInternalTopic", stub -> stub.createInternalTopic(request), INTERNAL_TOPIC,
                CreateInternalTopicResponse::getResult, message -> refusal(name, message));
    }

    @Override
    public CompletableFuture<BrokerRegistrationReply> registerBroker(int brokerId, String host, int port,
            int kafkaPort, String rack, String logStoreId) {
        // The sender's incarnation and directory ids are the ones registered.
        RegisterBrokerRequest request = RegisterBrokerRequest.newBuilder().setBrokerId(brokerId).setHost(host)
                .setPort(port).setKafkaPort(kafkaPort).setRack(rack == null ? "" : rack).setLogStoreId(logStoreId)
                .setSender(sender).build();
        return router.send("RegisterBroker", stub -> stub.registerBroker(request), REGISTER,
                r -> new BrokerRegistrationReply(r.getError(), r.getErrorMessage(), r.getBrokerEpoch()),
                message -> BrokerRegistrationReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(int brokerId, long brokerEpoch,
            List<ReplicaLogEnd> leaderlessLogEnds) {
        BrokerHeartbeatRequest request = BrokerHeartbeatRequest.newBuilder().setBrokerId(brokerId)
                .addAllLeaderlessLogEnds(leaderlessLogEnds.stream()
                        .map(end -> dev.sluice.proto.internal.v1.ReplicaLogEnd.newBuilder()
                        .setTopicId(MetadataRecords.topicIdBytes(end.topicId())).setPartition(end.partition())
                        .setLeaderEpoch(end.leaderEpoch()).setLogEndOffset(end.logEndOffset()).build()).toList())
                .setBrokerEpoch(brokerEpoch).setSender(sender).build();
        return router.send("BrokerHeartbeat", stub -> stub.brokerHeartbeat(request), HEARTBEAT,
                r -> new BrokerHeartbeatReply(r.getError(), r.getErrorMessage(), r.getFenced()),
                message -> BrokerHeartbeatReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    @Override
    public CompletableFuture<AlterPartitionReply> alterPartition(UUID topicId, int partition, int leaderId,
            int leaderEpoch, int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> joiningEpochs) {
        AlterPartitionRequest.Builder request = AlterPartitionRequest.newBuilder()
                .setTopicId(MetadataRecords.topicIdBytes(topicId)).setPartition(partition).setLeaderId(leaderId)
                .setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch).addAllNewIsr(newIsr).setSender(sender);
        joiningEpochs.forEach((broker, epoch) -> request.addJoiningEpochs(
                ReplicaBrokerEpoch.newBuilder().setBrokerId(broker).setBrokerEpoch(epoch)));
        return router.send("AlterPartition", stub -> stub.alterPartition(request.build()), ALTER_PARTITION,
                GrpcControllerChannel::alterPartitionReply,
                message -> new AlterPartitionReply(ErrorCode.NOT_CONTROLLER, message, null));
    }

    @Override
    public CompletableFuture<ProducerIdsReply> allocateProducerIds(int brokerId, int count) {
        AllocateProducerIdsRequest request = AllocateProducerIdsRequest.newBuilder().setBrokerId(brokerId)
                .setCount(count).setSender(sender).build();
        return router.send("AllocateProducerIds", stub -> stub.allocateProducerIds(request), PRODUCER_IDS,
                r -> new ProducerIdsReply(r.getError(), r.getErrorMessage(), r.getFirstProducerId(), r.getCount()),
                message -> ProducerIdsReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    @Override
    public CompletableFuture<TopicResult> reassignPartition(dev.sluice.proto.v1.ReassignPartitionRequest request) {
        return router.send("ReassignPartition", stub -> stub.reassignPartition(request), REASSIGN,
                dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse::getResult,
                message -> refusal(request.getTopic(), message));
    }

    @Override
    public CompletableFuture<ControlledShutdownReply> controlledShutdown(int brokerId, long brokerEpoch) {
        ControlledShutdownRequest request = ControlledShutdownRequest.newBuilder().setBrokerId(brokerId)
                .setBrokerEpoch(brokerEpoch).setSender(sender).build();
        return router.send("ControlledShutdown", stub -> stub.controlledShutdown(request), SHUTDOWN,
                r -> new ControlledShutdownReply(r.getError(), r.getErrorMessage()),
                message -> new ControlledShutdownReply(ErrorCode.NOT_CONTROLLER, message));
    }

    @Override
    public CompletableFuture<ReadBarrierReply> readBarrier() {
        ReadBarrierRequest request = ReadBarrierRequest.newBuilder().setSender(sender).build();
        return router.send("ReadBarrier", stub -> stub.readBarrier(request), READ_BARRIER,
                r -> new ReadBarrierReply(r.getError(), r.getErrorMessage(), r.getOffset()),
                message -> ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    @Override
    public void close() {
        router.close();
    }

    private static AlterPartitionReply alterPartitionReply(AlterPartitionResponse response) {
        PartitionImage partition = null;
        if (response.hasPartition()) {
            PartitionState state = response.getPartition();
            partition = new PartitionImage(state.getReplicasList(), state.getIsrList(), state.getLeaderId(),
                    state.getLeaderEpoch(), state.getPartitionEpoch());
        }
        return new AlterPartitionReply(response.getError(), response.getErrorMessage(), partition);
    }

    private static List<TopicResult> refusals(Stream<String> names, String message) {
        return names.map(name -> refusal(name, message)).toList();
    }

    /** {@code REQUEST_TIMED_OUT}: the change may or may not have been applied. */
    private static List<TopicResult> unknownOutcomes(Stream<String> names, String message) {
        return names.map(name -> TopicResult.newBuilder().setName(name).setError(ErrorCode.REQUEST_TIMED_OUT)
                .setErrorMessage(message).build()).toList();
    }

    private static TopicResult refusal(String name, String message) {
        return TopicResult.newBuilder().setName(name).setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(message)
                .build();
    }

    private static <P> ControllerRouter.Envelope<P> envelope(Function<P, ErrorCode> error,
            Function<P, String> message, Function<P, Integer> controllerId) {
        return new ControllerRouter.Envelope<>() {
            @Override
            public ErrorCode error(P response) {
                return error.apply(response);
            }

            @Override
            public String errorMessage(P response) {
                return message.apply(response);
            }

            @Override
            public int controllerId(P response) {
                return controllerId.apply(response);
            }
        };
    }

    private static final ControllerRouter.Envelope<ForwardedCreateTopicsResponse> CREATE = envelope(
            ForwardedCreateTopicsResponse::getError, ForwardedCreateTopicsResponse::getErrorMessage,
            ForwardedCreateTopicsResponse::getControllerId);
    private static final ControllerRouter.Envelope<ForwardedDeleteTopicsResponse> DELETE = envelope(
            ForwardedDeleteTopicsResponse::getError, ForwardedDeleteTopicsResponse::getErrorMessage,
            ForwardedDeleteTopicsResponse::getControllerId);
    private static final ControllerRouter.Envelope<ForwardedAlterConfigsResponse> ALTER = envelope(
            ForwardedAlterConfigsResponse::getError, ForwardedAlterConfigsResponse::getErrorMessage,
            ForwardedAlterConfigsResponse::getControllerId);
    private static final ControllerRouter.Envelope<
            dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse> ALTER_SCRAM = envelope(
            dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse::getError,
            dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse::getErrorMessage,
            dev.sluice.proto.internal.v1.ForwardedAlterUserScramCredentialsResponse::getControllerId);
    private static final ControllerRouter.Envelope<
            dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse> ALTER_QUOTAS = envelope(
            dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse::getError,
            dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse::getErrorMessage,
            dev.sluice.proto.internal.v1.ForwardedAlterClientQuotasResponse::getControllerId);
    private static final ControllerRouter.Envelope<ForwardedCreateAclsResponse> CREATE_ACLS = envelope(
            ForwardedCreateAclsResponse::getError, ForwardedCreateAclsResponse::getErrorMessage,
            ForwardedCreateAclsResponse::getControllerId);
    private static final ControllerRouter.Envelope<ForwardedDeleteAclsResponse> DELETE_ACLS = envelope(
            ForwardedDeleteAclsResponse::getError, ForwardedDeleteAclsResponse::getErrorMessage,
            ForwardedDeleteAclsResponse::getControllerId);
    private static final ControllerRouter.Envelope<CreateInternalTopicResponse> INTERNAL_TOPIC = envelope(
            CreateInternalTopicResponse::getError, CreateInternalTopicResponse::getErrorMessage,
            CreateInternalTopicResponse::getControllerId);
    private static final ControllerRouter.Envelope<RegisterBrokerResponse> REGISTER = envelope(
            RegisterBrokerResponse::getError, RegisterBrokerResponse::getErrorMessage,
            RegisterBrokerResponse::getControllerId);
    private static final ControllerRouter.Envelope<dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse>
            REASSIGN = envelope(dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse::getError,
            dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse::getErrorMessage,
            dev.sluice.proto.internal.v1.ForwardedReassignPartitionResponse::getControllerId);
    private static final ControllerRouter.Envelope<ControlledShutdownResponse> SHUTDOWN = envelope(
            ControlledShutdownResponse::getError, ControlledShutdownResponse::getErrorMessage,
            ControlledShutdownResponse::getControllerId);
    private static final ControllerRouter.Envelope<BrokerHeartbeatResponse> HEARTBEAT = envelope(
            BrokerHeartbeatResponse::getError, BrokerHeartbeatResponse::getErrorMessage,
            BrokerHeartbeatResponse::getControllerId);
    private static final ControllerRouter.Envelope<AlterPartitionResponse> ALTER_PARTITION = envelope(
            AlterPartitionResponse::getError, AlterPartitionResponse::getErrorMessage,
            AlterPartitionResponse::getControllerId);
    private static final ControllerRouter.Envelope<AllocateProducerIdsResponse> PRODUCER_IDS = envelope(
            AllocateProducerIdsResponse::getError, AllocateProducerIdsResponse::getErrorMessage,
            AllocateProducerIdsResponse::getControllerId);
    private static final ControllerRouter.Envelope<ReadBarrierResponse> READ_BARRIER = envelope(
            ReadBarrierResponse::getError, ReadBarrierResponse::getErrorMessage, ReadBarrierResponse::getControllerId);
}
