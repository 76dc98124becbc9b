package dev.sluice.broker.rpc;

import dev.sluice.controller.AlterPartitionReply;
import dev.sluice.controller.BrokerHeartbeatReply;
import dev.sluice.controller.BrokerRegistrationReply;
import dev.sluice.controller.ControlledShutdownReply;
import dev.sluice.controller.ProducerIdsReply;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.TopicResult;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * How a broker reaches the active controller: forwarded admin changes and the broker's own requests (registration,
 * heartbeats, ISR changes, producer id blocks). Each future completes once the change is committed in the metadata
 * log, or with a refusal ({@code NOT_CONTROLLER} when no active controller answered in time); it does not complete
 * exceptionally for expected outcomes. Implementations are thread-safe.
 */
public interface ControllerChannel {
    CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request);

    CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request);

    CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request);

    /** One result per creation, in order; {@code REQUEST_TIMED_OUT} when the outcome is unknown (not resent). */
    CompletableFuture<dev.sluice.proto.v1.CreateAclsResponse> createAcls(dev.sluice.proto.v1.CreateAclsRequest request);

    /** One result per filter, in order; {@code REQUEST_TIMED_OUT} when the outcome is unknown (not resent). */
    CompletableFuture<dev.sluice.proto.v1.DeleteAclsResponse> deleteAcls(dev.sluice.proto.v1.DeleteAclsRequest request);

    CompletableFuture<TopicResult> createInternalTopic(String name, int partitionCount, int replicationFactor,
            Map<String, String> configs);

    /**
     * Registers this broker as the process and data directory the channel speaks for; refused with
     * {@code DUPLICATE_BROKER_REGISTRATION} while another incarnation of the id has a live session.
     */
    /**
     * @param kafkaPort the broker's Kafka wire-protocol port on {@code host}; 0: none
     * @param logStoreId the id of the broker's log store (new whenever it was created empty)
     */
    CompletableFuture<BrokerRegistrationReply> registerBroker(int brokerId, String host, int port, int kafkaPort,
                                                              String rack, String logStoreId);

    /** @param leaderlessLogEnds where this broker's replicas of leaderless partitions end */
    CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(int brokerId, long brokerEpoch,
            List<ReplicaLogEnd> leaderlessLogEnds);

    CompletableFuture<AlterPartitionReply> alterPartition(UUID topicId, int partition, int leaderId, int leaderEpoch,
            int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> joiningEpochs);

    CompletableFuture<ProducerIdsReply> allocateProducerIds(int brokerId, int count);

    CompletableFuture<TopicResult> reassignPartition(dev.sluice.proto.v1.ReassignPartitionRequest request);

    /**
     * A read index for an admin read: the offset of an entry the active controller committed after this call, so the
     * broker's image holds every acknowledged change once it has applied that offset.
     */
    CompletableFuture<ReadBarrierReply> readBarrier();

    /** SCRAM credential changes (auth.proto); one result per item, in order. */
    default CompletableFuture<dev.sluice.proto.v1.AlterUserScramCredentialsResponse> alterUserScramCredentials(
            dev.sluice.proto.v1.AlterUserScramCredentialsRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no SCRAM credential changes here"));
    }

    /** Client quota changes (quota.proto); one result per alteration, in order. */
    default CompletableFuture<dev.sluice.proto.v1.AlterClientQuotasResponse> alterClientQuotas(
            dev.sluice.proto.v1.AlterClientQuotasRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no client quota changes here"));
    }

    /** A broker stopping cleanly asks the controller to move its leaderships away. */
    CompletableFuture<ControlledShutdownReply> controlledShutdown(int brokerId, long brokerEpoch);
}
