package dev.sluice.controller;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.TopicResult;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The controller's decisions, as pure functions: each takes a request and the current (speculative) image and
 * returns {@link ControllerResult}: the records to commit and the response to send once they commit. It never
 * mutates state; the shell ({@link ControllerService}) commits the records and keeps the soft state (heartbeat
 * times). The only hidden input is the injected random (topic ids, placement start), so a seed replays a run.
 *
 * <p>Thread: the controller's own (the random is not thread-safe). Times in milliseconds.
 */
public final class MetadataController {
    private final TopicControl topics;
    private final BrokerControl brokers;
    private final PartitionControl partitions;
    private final AclControl acls = new AclControl();
    private final ScramControl scram = new ScramControl();
    private final QuotaControl quotas = new QuotaControl();

    public MetadataController(ControllerConfig config, RandomGenerator random) {
        this.topics = new TopicControl(config, random);
        this.brokers = new BrokerControl(config);
        this.partitions = new PartitionControl(config);
    }

    public ControllerResult<CreateTopicsResponse> createTopics(MetadataImage image, CreateTopicsRequest request) {
        return topics.createTopics(image, request);
    }

    /** Creates a system topic (its name must start with {@code "__"}), validated like any other. */
    public ControllerResult<TopicResult> createInternalTopic(MetadataImage image, String name, int partitionCount,
            int replicationFactor, Map<String, String> configs) {
        return topics.createInternalTopic(image, name, partitionCount, replicationFactor, configs);
    }

    public ControllerResult<DeleteTopicsResponse> deleteTopics(MetadataImage image, DeleteTopicsRequest request) {
        return topics.deleteTopics(image, request);
    }

    public ControllerResult<AlterConfigsResponse> alterConfigs(MetadataImage image, AlterConfigsRequest request) {
        return topics.alterConfigs(image, request);
    }

    public ControllerResult<CreateAclsResponse> createAcls(MetadataImage image, CreateAclsRequest request) {
        return acls.createAcls(image, request);
    }

    public ControllerResult<DeleteAclsResponse> deleteAcls(MetadataImage image, DeleteAclsRequest request) {
        return acls.deleteAcls(image, request);
    }

    public ControllerResult<dev.sluice.proto.v1.AlterUserScramCredentialsResponse> alterUserScramCredentials(
            MetadataImage image, dev.sluice.proto.v1.AlterUserScramCredentialsRequest request) {
        return scram.alter(image, request);
    }

    public ControllerResult<dev.sluice.proto.v1.AlterClientQuotasResponse> alterClientQuotas(
            MetadataImage image, dev.sluice.proto.v1.AlterClientQuotasRequest request) {
        return quotas.alter(image, request);
    }

    /** Refused with {@code DUPLICATE_BROKER_REGISTRATION} while another incarnation's session is live. */
    ControllerResult<BrokerRegistrationReply> registerBroker(MetadataImage image, BrokerRegistrationRequest request,
            BrokerSessions sessions, long nowMs) {
        return brokers.registerBroker(image, request, sessions, nowMs);
    }

    /** The shell records the heartbeat time itself when the reply is {@code NONE}. */
    ControllerResult<BrokerHeartbeatReply> brokerHeartbeat(MetadataImage image, int brokerId,
            long brokerEpoch, LeaderlessReports reports, long nowMs) {
        return brokers.brokerHeartbeat(image, brokerId, brokerEpoch, reports, nowMs);
    }

    /**
     * Fences brokers whose last heartbeat is older than the session timeout and leads leaderless partitions whose
     * wait is over; returns the ids fenced.
     */
    ControllerResult<List<Integer>> tick(MetadataImage image, Map<Integer, Long> lastHeartbeatMs,
            LeaderlessReports reports, long nowMs) {
        return brokers.tick(image, lastHeartbeatMs, reports, nowMs);
    }

    public ControllerResult<AlterPartitionReply> alterPartition(MetadataImage image, UUID topicId, int partition,
            int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> joiningEpochs) {
        return partitions.alterPartition(image, topicId, partition, leaderId, leaderEpoch, partitionEpoch, newIsr,
                joiningEpochs);
    }

    public ControllerResult<ProducerIdsReply> allocateProducerIds(MetadataImage image, int brokerId, int count) {
        return partitions.allocateProducerIds(image, brokerId, count);
    }

    /** A broker stopping cleanly: fenced now, its leaderships and ISR memberships moved to other replicas. */
    public ControllerResult<ControlledShutdownReply> controlledShutdown(MetadataImage image, int brokerId,
            long brokerEpoch) {
        return brokers.controlledShutdown(image, brokerId, brokerEpoch);
    }

    public ControllerResult<TopicResult> reassignPartition(MetadataImage image,
            dev.sluice.proto.v1.ReassignPartitionRequest request) {
        return partitions.reassignPartition(image, request);
    }

    /** Moves leadership back to each partition's first replica where it is unfenced and in the ISR. */
    public ControllerResult<Integer> rebalanceLeaders(MetadataImage image) {
        List<MetadataRecord> records = PartitionElection.preferredLeaders(image);
        return new ControllerResult<>(records, records.size());
    }
}
