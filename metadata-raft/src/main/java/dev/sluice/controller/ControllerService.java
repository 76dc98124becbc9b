package dev.sluice.controller;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataPublisher;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller shell: turns requests into {@link MetadataController} decisions, commits their records through the
 * {@link MetadataLog} and answers once they are committed.
 *
 * <p>Thread: the {@link ControllerEventQueue}'s thread owns every field below; the public methods only enqueue
 * events and may be called from any thread. Response futures complete on that thread, so callers should not block
 * in dependent stages.
 *
 * <p>Activity: the service decides only while active, that is, while this node leads the current Raft epoch and the
 * committed image has reached the epoch's start offset (so everything earlier epochs wrote is visible). Otherwise
 * every request is answered with {@code NOT_CONTROLLER} and a leader hint in the message. After a failed append it
 * stays inactive until a newer epoch starts: the failed entry might still commit, and a decision taken without it
 * could contradict it.
 *
 * <p>Speculation: decisions are taken against a speculative image, the committed image plus the records proposed
 * but not committed yet, so two quick creates of the same name conflict. Proposals complete in log order; a result
 * with no records waits behind the proposals before it, since it may depend on them. When nothing is in flight the
 * speculative image is the committed one; a failure or a lost leadership fails what is in flight and resets it to
 * the committed one. A decision with no records answers {@code NOT_CONTROLLER} then (nothing was written, so it may be
 * sent again); a topic create, delete or config change whose records went to the log answers
 * {@code REQUEST_TIMED_OUT} instead, since those records may still commit under the next leader, and a resend could
 * apply the change a second time (or answer "already exists" to the call that created the topic).
 *
 * <p>Soft state: each broker's last heartbeat time (ms, from the injected clock), not in the log; when the service
 * becomes active it gives every unfenced broker a fresh session. A live session keeps another incarnation of the
 * broker's id from registering ({@code DUPLICATE_BROKER_REGISTRATION}). A periodic tick fences expired sessions and,
 * every {@code leaderRebalanceIntervalMs} when enabled, moves leadership back to preferred replicas. Also soft: the
 * epoch of each broker that asked for a controlled shutdown, so that a heartbeat of that epoch still in flight does
 * not unfence it again (after a controller fail-over the broker has stopped heartbeating anyway).
 */
public final class ControllerService implements MetadataPublisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerService.class);

    private final int nodeId;
    private final MetadataController controller;
    private final MetadataLog metadataLog;
    private final InstantSource clock;
    private final ControllerEventQueue queue;
    private final ProposalQueue proposals = new ProposalQueue();
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    private final LeaderlessReports leaderlessReports = new LeaderlessReports();
    private final Map<Integer, Long> shutdownEpochs = new HashMap<>();
    private final ControllerConfig config;
    private final ReadBarriers readBarriers;
    private long nextRebalanceMs = Long.MIN_VALUE;

    private MetadataImage committed = MetadataImage.EMPTY;
    private MetadataImage speculative = MetadataImage.EMPTY;
    private int leaderId = -1;
    private int leaderEpoch = -1;
    private long epochStartOffset = -1;
    private int failedEpoch = -1;
    private boolean active;
    private volatile boolean activeView;

    public ControllerService(int nodeId, ControllerConfig config, MetadataLog metadataLog, InstantSource clock,
            RandomGenerator random, ControllerEventQueue queue) {
        this.nodeId = nodeId;
        this.config = config;
        this.controller = new MetadataController(config, random);
        this.metadataLog = metadataLog;
        this.clock = clock;
        this.queue = queue;
        this.readBarriers = new ReadBarriers(this::appendBarrier);
        queue.schedulePeriodic(this::handleTick, config.tickIntervalMs());
    }

    /** True while this node is the active controller (a racy view for health checks). */
    public boolean isActive() {
        return activeView;
    }

    public CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request) {
        return submitTopicChange(image -> controller.createTopics(image, request),
                request.getTopicsList().stream().map(NewTopic::getName).toList(),
                results -> CreateTopicsResponse.newBuilder().addAllResults(results).build());
    }

    public CompletableFuture<TopicResult> createInternalTopic(String name, int partitionCount, int replicationFactor,
            Map<String, String> configs) {
        return submit(image -> controller.createInternalTopic(image, name, partitionCount, replicationFactor, configs),
                message -> notController(name, message));
    }

    public CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request) {
        return submitTopicChange(image -> controller.deleteTopics(image, request), request.getNamesList(),
                results -> DeleteTopicsResponse.newBuilder().addAllResults(results).build());
    }

    public CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request) {
        return submitTopicChange(image -> controller.alterConfigs(image, request),
                request.getAlterationsList().stream().map(ConfigAlteration::getTopic).toList(),
                results -> AlterConfigsResponse.newBuilder().addAllResults(results).build());
    }

    public CompletableFuture<CreateAclsResponse> createAcls(CreateAclsRequest request) {
        int count = request.getCreationsCount();
        return submit(image -> controller.createAcls(image, request),
                message -> AclControl.refusedCreations(count, ErrorCode.NOT_CONTROLLER, message),
                message -> AclControl.refusedCreations(count, ErrorCode.REQUEST_TIMED_OUT,
                        unknownOutcomeMessage(message)));
    }

    public CompletableFuture<DeleteAclsResponse> deleteAcls(DeleteAclsRequest request) {
        int count = request.getFiltersCount();
        return submit(image -> controller.deleteAcls(image, request),
                message -> AclControl.refusedDeletions(count, ErrorCode.NOT_CONTROLLER, message),
                message -> AclControl.refusedDeletions(count, ErrorCode.REQUEST_TIMED_OUT,
                        unknownOutcomeMessage(message)));
    }

    public CompletableFuture<dev.sluice.proto.v1.AlterUserScramCredentialsResponse> alterUserScramCredentials(
            dev.sluice.proto.v1.AlterUserScramCredentialsRequest request) {
        return submit(image -> controller.alterUserScramCredentials(image, request),
                message -> ScramControl.refused(request, ErrorCode.NOT_CONTROLLER, message),
                message -> ScramControl.refused(request, ErrorCode.REQUEST_TIMED_OUT, unknownOutcomeMessage(message)));
    }

    public CompletableFuture<dev.sluice.proto.v1.AlterClientQuotasResponse> alterClientQuotas(
            dev.sluice.proto.v1.AlterClientQuotasRequest request) {
        return submit(image -> controller.alterClientQuotas(image, request),
                message -> QuotaControl.refused(request, ErrorCode.NOT_CONTROLLER, message),
                message -> QuotaControl.refused(request, ErrorCode.REQUEST_TIMED_OUT, unknownOutcomeMessage(message)));
    }

    /**
     * Registers a broker; refused with {@code DUPLICATE_BROKER_REGISTRATION} while another incarnation of its id has a
     * live session (see {@link BrokerSessions}).
     */
    public CompletableFuture<BrokerRegistrationReply> registerBroker(BrokerRegistrationRequest request) {
        return submit(image -> {
            long nowMs = clock.millis();
            ControllerResult<BrokerRegistrationReply> result = controller.registerBroker(image, request,
                    new BrokerSessions(lastHeartbeatMs, shutdownEpochs, config.sessionTimeoutMs()), nowMs);
            if (result.response().error() == ErrorCode.NONE) {
                lastHeartbeatMs.put(request.brokerId(), nowMs);
            } else if (result.response().error() == ErrorCode.DUPLICATE_BROKER_REGISTRATION) {
                log.warn("Node {} epoch {}: {}", nodeId, leaderEpoch, result.response().errorMessage());
            }
            return result;
        }, message -> BrokerRegistrationReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(int brokerId, long brokerEpoch) {
        return brokerHeartbeat(brokerId, brokerEpoch, List.of());
    }

    /**
     * A heartbeat with where the broker's replicas of leaderless partitions end ({@code leaderlessLogEnds}), which
     * the election after a full outage reads (see {@link PartitionElection}).
     */
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(int brokerId, long brokerEpoch,
            List<ReplicaLogEnd> leaderlessLogEnds) {
        return submit(image -> {
            Long shutdownEpoch = shutdownEpochs.get(brokerId);
            if (shutdownEpoch != null && shutdownEpoch == brokerEpoch) {
                return ControllerResult.of(new BrokerHeartbeatReply(ErrorCode.NONE, "", true));
            }
            long nowMs = clock.millis();
            leaderlessReports.record(brokerId, leaderlessLogEnds, nowMs);
            ControllerResult<BrokerHeartbeatReply> result = controller.brokerHeartbeat(image, brokerId, brokerEpoch,
                    leaderlessReports, nowMs);
            if (result.response().error() == ErrorCode.NONE) {
                lastHeartbeatMs.put(brokerId, nowMs);
                if (!result.records().isEmpty() && !leaderlessLogEnds.isEmpty()) {
                    log.info("Node {} epoch {}: broker {} reported leaderless replicas {}", nodeId, leaderEpoch,
                            brokerId, leaderlessLogEnds);
                }
            } else {
                leaderlessReports.record(brokerId, List.of(), nowMs);
            }
            return result;
        }, message -> BrokerHeartbeatReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    /** Fences the broker and moves its leaderships away; answered once committed. */
    public CompletableFuture<ControlledShutdownReply> controlledShutdown(int brokerId, long brokerEpoch) {
        return submit(image -> {
            ControllerResult<ControlledShutdownReply> result =
                    controller.controlledShutdown(image, brokerId, brokerEpoch);
            if (result.response().error() == ErrorCode.NONE) {
                shutdownEpochs.put(brokerId, brokerEpoch);
                log.info("Node {} epoch {}: controlled shutdown of broker {} (epoch {}), {} records", nodeId,
                        leaderEpoch, brokerId, brokerEpoch, result.records().size());
            }
            return result;
        }, message -> new ControlledShutdownReply(ErrorCode.NOT_CONTROLLER, message));
    }

    public CompletableFuture<TopicResult> reassignPartition(dev.sluice.proto.v1.ReassignPartitionRequest request) {
        return submit(image -> controller.reassignPartition(image, request),
                message -> notController(request.getTopic(), message));
    }

    public CompletableFuture<AlterPartitionReply> alterPartition(UUID topicId, int partition, int leaderId,
            int leaderEpoch, int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> joiningEpochs) {
        return submit(image -> controller.alterPartition(image, topicId, partition, leaderId, leaderEpoch,
                partitionEpoch, newIsr, joiningEpochs),
                message -> new AlterPartitionReply(ErrorCode.NOT_CONTROLLER, message, null));
    }

    public CompletableFuture<ProducerIdsReply> allocateProducerIds(int brokerId, int count) {
        return submit(image -> controller.allocateProducerIds(image, brokerId, count),
                message -> ProducerIdsReply.error(ErrorCode.NOT_CONTROLLER, message));
    }

    /**
     * A read index for a broker's admin read: answered, once committed, with the offset of an empty entry appended
     * after this call (see {@link ReadBarriers}); {@code NOT_CONTROLLER} unless this node is the active controller.
     */
    public CompletableFuture<ReadBarrierReply> readBarrier() {
        CompletableFuture<ReadBarrierReply> reply = new CompletableFuture<>();
        try {
            queue.append(() -> {
                if (active) {
                    readBarriers.add(reply);
                } else {
                    reply.complete(ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, notControllerMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            reply.complete(ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, "node " + nodeId + " is shutting down"));
        }
        return reply;
    }

    /** From the Raft driver: {@code leaderId} (-1 when unknown) leads {@code epoch}, starting at that offset. */
    public void handleLeaderChange(int newLeaderId, int epoch, long newEpochStartOffset) {
        enqueue(() -> onLeaderChange(newLeaderId, epoch, newEpochStartOffset));
    }

    /** From the loader: a committed image. Equivalent to being registered as a {@link MetadataPublisher}. */
    public void handleCommitted(MetadataImage image) {
        enqueue(() -> onCommitted(image));
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        handleCommitted(newImage);
    }

    /** Answers what is in flight with {@code NOT_CONTROLLER}, then stops the queue. */
    @Override
    public void close() {
        enqueue(() -> deactivate("the controller is shutting down"));
        queue.close();
    }

    private <R> CompletableFuture<R> submit(Function<MetadataImage, ControllerResult<R>> operation,
            Function<String, R> notController) {
        return submit(operation, notController, notController);
    }

    /**
     * A topic create, delete or config change on {@code names}, answered through {@code response}: refused with
     * {@code NOT_CONTROLLER} per topic, or {@code REQUEST_TIMED_OUT} when its records went to the log before the
     * controller stopped being active.
     */
    private <R> CompletableFuture<R> submitTopicChange(Function<MetadataImage, ControllerResult<R>> operation,
            List<String> names, Function<List<TopicResult>, R> response) {
        return submit(operation, message -> response.apply(topicResults(names, ErrorCode.NOT_CONTROLLER, message)),
                message -> response.apply(topicResults(names, ErrorCode.REQUEST_TIMED_OUT,
                        unknownOutcomeMessage(message))));
    }

    /**
     * Decides {@code operation} against the speculative image and answers once its records commit. If the controller
     * stops being active first, the answer is {@code notController} for a decision with no records and
     * {@code unknownOutcome} for one whose records went to the log (they may still commit).
     */
    private <R> CompletableFuture<R> submit(Function<MetadataImage, ControllerResult<R>> operation,
            Function<String, R> notController, Function<String, R> unknownOutcome) {
        CompletableFuture<R> future = new CompletableFuture<>();
        try {
            queue.append(() -> {
                if (!active) {
                    future.complete(notController.apply(notControllerMessage()));
                    return;
                }
                try {
                    ControllerResult<R> result = operation.apply(speculative);
                    propose(result, future, result.records().isEmpty() ? notController : unknownOutcome);
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            future.complete(notController.apply("node " + nodeId + " is shutting down"));
        }
        return future;
    }

    /** @param failure the answer if the controller stops being active before the result commits */
    private <R> void propose(ControllerResult<R> result, CompletableFuture<R> future, Function<String, R> failure) {
        Proposal proposal = new Proposal(!result.records().isEmpty(),
                () -> future.complete(result.response()),
                message -> future.complete(failure.apply(message)));
        if (!proposal.hasRecords()) {
            proposals.add(proposal);
            proposals.completeCommitted(committed.offset());
            return;
        }
        MetadataDelta delta = new MetadataDelta(speculative);
        delta.replayAll(result.records());
        speculative = delta.apply(speculative.offset());
        proposals.add(proposal);
        int epoch = leaderEpoch;
        CompletableFuture<Long> appended;
        try {
            appended = metadataLog.append(MetadataRecords.serialize(result.records()));
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((offset, error) -> enqueue(() -> onAppendDone(proposal, epoch, offset, error)));
    }

    private void onAppendDone(Proposal proposal, int epoch, Long offset, Throwable error) {
        if (!proposals.contains(proposal)) {
            return; // Already answered when leadership changed.
        }
        if (error != null) {
            log.warn("Node {} epoch {}: metadata append failed, deactivating until a new epoch: {}", nodeId, epoch,
                    error.toString());
            failedEpoch = epoch;
            deactivate("node " + nodeId + " could not commit the change: " + error.getMessage());
            return;
        }
        proposal.committedAt(offset);
        completeCommitted();
    }

    private void onCommitted(MetadataImage image) {
        if (image.offset() < committed.offset()) {
            throw new IllegalStateException("committed image went back from " + committed.offset() + " to "
                    + image.offset());
        }
        committed = image;
        completeCommitted();
        maybeActivate();
    }

    private void completeCommitted() {
        proposals.completeCommitted(committed.offset());
        if (proposals.isEmpty()) {
            speculative = committed;
        }
    }

    private void onLeaderChange(int newLeaderId, int epoch, long newEpochStartOffset) {
        if (epoch < leaderEpoch) {
            return; // A late notification of an older epoch.
        }
        boolean sameTerm = epoch == leaderEpoch && newLeaderId == leaderId;
        leaderId = newLeaderId;
        leaderEpoch = epoch;
        epochStartOffset = newEpochStartOffset;
        if (!sameTerm && (active || !proposals.isEmpty())) {
            deactivate("leadership moved to " + (newLeaderId < 0 ? "an unknown node" : "node " + newLeaderId)
                    + " in epoch " + epoch);
        }
        maybeActivate();
    }

    private void maybeActivate() {
        if (active || leaderId != nodeId || leaderEpoch == failedEpoch || committed.offset() < epochStartOffset) {
            return;
        }
        active = true;
        activeView = true;
        speculative = committed;
        lastHeartbeatMs.clear();
        leaderlessReports.clear();
        long nowMs = clock.millis();
        // Unfenced brokers get a fresh session (the previous controller's heartbeats are unknown here); a fenced one
        // has none until it heartbeats, so a restart of a broker that was fenced registers at once.
        committed.cluster().unfencedBrokers().forEach(broker -> lastHeartbeatMs.put(broker.id(), nowMs));
        log.info("Node {} is the active controller in epoch {} at offset {}", nodeId, leaderEpoch, committed.offset());
    }

    private void deactivate(String reason) {
        if (active) {
            log.info("Node {} is no longer the active controller in epoch {}: {}", nodeId, leaderEpoch, reason);
        }
        active = false;
        activeView = false;
        proposals.failAll(notControllerMessage() + " (" + reason + ")");
        readBarriers.failWaiting(notControllerMessage() + " (" + reason + ")");
        speculative = committed;
    }

    private void appendBarrier(byte[] payload, Consumer<Long> committedAt,
            Consumer<Throwable> failed) {
        CompletableFuture<Long> appended;
        try {
            appended = metadataLog.append(payload);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((offset, error) -> enqueue(() -> {
            if (error != null) {
                failed.accept(error);
            } else {
                committedAt.accept(offset);
            }
        }));
    }

    private void handleTick() {
        if (!active) {
            return;
        }
        ControllerResult<List<Integer>> result = controller.tick(speculative, lastHeartbeatMs, leaderlessReports,
                clock.millis());
        if (!result.records().isEmpty()) {
            if (!result.response().isEmpty()) {
                log.info("Node {} epoch {}: fencing brokers {} after a missed session", nodeId, leaderEpoch,
                        result.response());
            } else {
                log.info("Node {} epoch {}: leading leaderless partitions after waiting for their last ISR",
                        nodeId, leaderEpoch);
            }
            propose(result, new CompletableFuture<>(), message -> List.of());
        }
        maybeRebalanceLeaders(clock.millis());
    }

    private void maybeRebalanceLeaders(long nowMs) {
        if (!config.autoLeaderRebalanceEnable()) {
            return;
        }
        if (nextRebalanceMs == Long.MIN_VALUE || nowMs < nextRebalanceMs) {
            // The first interval starts when the tick first runs, so a new controller lets brokers settle first.
            nextRebalanceMs = nextRebalanceMs == Long.MIN_VALUE ? nowMs + config.leaderRebalanceIntervalMs()
                    : nextRebalanceMs;
            return;
        }
        nextRebalanceMs = nowMs + config.leaderRebalanceIntervalMs();
        ControllerResult<Integer> result = controller.rebalanceLeaders(speculative);
        if (!result.records().isEmpty()) {
            log.info("Node {} epoch {}: moving leadership of {} partitions back to their preferred replicas", nodeId,
                    leaderEpoch, result.response());
            propose(result, new CompletableFuture<>(), message -> 0);
        }
    }

    private String notControllerMessage() {
        if (leaderId == nodeId) {
            return "node " + nodeId + " leads epoch " + leaderEpoch + " but is not active yet; retry";
        }
        return "node " + nodeId + " is not the active controller; "
                + (leaderId < 0 ? "the leader is unknown" : "the leader is node " + leaderId)
                + " (epoch " + leaderEpoch + ")";
    }

    private static TopicResult notController(String name, String message) {
        return TopicResult.newBuilder().setName(name).setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(message)
                .build();
    }

    private static List<TopicResult> topicResults(List<String> names, ErrorCode error, String message) {
        return names.stream().map(name -> TopicResult.newBuilder().setName(name).setError(error)
                .setErrorMessage(message).build()).toList();
    }

    private static String unknownOutcomeMessage(String reason) {
        return "the change went to the metadata log but its commit was not seen; it may or may not take effect ("
                + reason + ")";
    }

    private void enqueue(Runnable event) {
        try {
            queue.append(event);
        } catch (RejectedExecutionException e) {
            log.debug("Node {}: controller queue closed, dropping an event", nodeId);
        }
    }
}
