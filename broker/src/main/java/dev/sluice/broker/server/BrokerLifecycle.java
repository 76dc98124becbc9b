package dev.sluice.broker.server;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.rpc.ControllerChannel;
import dev.sluice.controller.BrokerHeartbeatReply;
import dev.sluice.controller.BrokerRegistrationReply;
import dev.sluice.controller.ControlledShutdownReply;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.fault.FaultHandler;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's session with the active controller, reached through a {@link ControllerChannel}: registers (getting
 * a broker epoch), then heartbeats every
 * {@code broker.heartbeat.interval.ms}, registering again if the controller no longer knows the epoch. Once the
 * broker is unfenced it makes sure the internal {@code __consumer_offsets} topic exists, creating it (compacted)
 * once enough brokers are unfenced for its replication factor ({@link OffsetsTopicCreation}). It registers
 * only once the node's metadata loader caught up with the quorum's high watermark. An accepted heartbeat renews the
 * group coordinators' lease once the image has caught up ({@link CaughtUpLeaseRenewal}). A registration refused
 * because another live process holds this broker's id, or because the controller belongs to another cluster, stops
 * the process through the fault handler, with a message naming the id.
 *
 * <p>Runs on a scheduler thread, one step at a time; {@link #notReadyReason()} may be read from any thread.
 */
final class BrokerLifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycle.class);
    private static final long RETRY_DELAY_MS = 100;
    /** Longer than the channel's own request timeout, which answers NOT_CONTROLLER when no controller does. */
    private static final long CONTROLLER_TIMEOUT_MS = 30_000;

    private final Supplier<List<ReplicaLogEnd>> leaderlessLogEnds;
    private final NodeConfig config;
    private final ControllerChannel controller;
    private final Supplier<MetadataImage> image;
    private final BooleanSupplier metadataCaughtUp;
    private final int advertisedPort;
    /** The Kafka listener's port, registered with the broker so that Kafka clients find it; 0: none. */
    private final int kafkaPort;
    private final ScheduledExecutorService scheduler;
    private final CaughtUpLeaseRenewal leaseRenewal;
    private final FaultHandler faultHandler;
    private final LongSupplier nanoTime;
    private final DuplicateRegistrationWait duplicateWait;
    private final BrokerEpoch brokerEpoch;
    private final String logStoreId;
    private final OffsetsTopicCreation offsetsTopicCreation;
    private volatile String lastProblem = "not registered yet";
    private final CatchUpReadiness catchUp;
    private volatile boolean closed;
    private ScheduledFuture<?> next;

    /**
     * @param kafkaPort the port of this broker's Kafka listener, registered next to the broker port; 0: none
     * @param faultHandler told when this broker must not run: its id is registered by another live process, or the
     *     controller belongs to another cluster
     * @param nanoTime the clock for how long registrations have been refused
     * @param leaderlessLogEnds where this broker's replicas of leaderless partitions end, sent with each heartbeat
     * @param brokerEpoch set to the epoch of each registration, and back to -1 when the controller no longer knows it
     * @param logStoreId the id of this broker's log store, registered so that the controller sees a store that was
     *     created empty since the last registration
     */
    BrokerLifecycle(NodeConfig config, ControllerChannel controller, Supplier<MetadataImage> image,
                    BooleanSupplier metadataCaughtUp, int advertisedPort, int kafkaPort, String logStoreId,
                    ScheduledExecutorService scheduler,
                    CaughtUpLeaseRenewal leaseRenewal, FaultHandler faultHandler, LongSupplier nanoTime,
                    Supplier<List<ReplicaLogEnd>> leaderlessLogEnds, BrokerEpoch brokerEpoch) {
        this.config = config;
        this.catchUp = new CatchUpReadiness(config.nodeId());
        this.brokerEpoch = brokerEpoch;
        this.leaderlessLogEnds = leaderlessLogEnds;
        this.faultHandler = faultHandler;
        this.nanoTime = nanoTime;
        this.duplicateWait = new DuplicateRegistrationWait(config.brokerSessionTimeoutMs());
        // A broker-only cluster smaller than the configured factor waits one session timeout for late registrations.
        this.offsetsTopicCreation = new OffsetsTopicCreation(config.offsetsTopicReplicationFactor(),
                config.controllerQuorum().size(), config.isController(), config.brokerSessionTimeoutMs());
        this.leaseRenewal = leaseRenewal;
        this.controller = controller;
        this.image = image;
        this.metadataCaughtUp = metadataCaughtUp;
        this.advertisedPort = advertisedPort;
        this.kafkaPort = kafkaPort;
        this.logStoreId = logStoreId;
        this.scheduler = scheduler;
    }

    void start() {
        schedule(0);
    }

    private synchronized void schedule(long delayMs) {
        if (!closed) {
            next = scheduler.schedule(this::step, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void step() {
        boolean healthy = false;
        try {
            healthy = brokerEpoch.get() < 0 ? register() : heartbeat();
            if (healthy) {
                maybeCreateOffsetsTopic();
            }
        } catch (Exception e) {
            lastProblem = "controller unreachable: " + e;
            log.debug("Broker {} lifecycle step failed", config.nodeId(), e);
        }
        // A registration refused as a duplicate is retried at the heartbeat pace: the refusal lasts seconds.
        schedule(healthy && !isFenced() || duplicateWait.waiting() ? config.brokerHeartbeatIntervalMs()
                : RETRY_DELAY_MS);
    }

    private boolean register() throws Exception {
        if (!metadataCaughtUp.getAsBoolean()) {
            // Registering gets the broker unfenced, so partitions are led here and clients sent here: wait until
            // replication acts on the current image, not on one replayed from the log on the way to it.
            lastProblem = "metadata not caught up with the quorum's high watermark";
            return false;
        }
        BrokerRegistrationReply reply = controller.registerBroker(config.nodeId(), config.host(), advertisedPort,
                kafkaPort, config.rack(), logStoreId).get(CONTROLLER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (reply.error() == ErrorCode.DUPLICATE_BROKER_REGISTRATION) {
            handleDuplicate(reply.errorMessage());
            return false;
        }
        duplicateWait.reset();
        if (reply.error() == ErrorCode.INCONSISTENT_CLUSTER_ID) {
            stopFatally("broker " + config.nodeId() + " cannot join: " + reply.errorMessage());
            return false;
        }
        if (reply.error() != ErrorCode.NONE) {
            lastProblem = "registration refused: " + reply.errorMessage();
            return false;
        }
        brokerEpoch.set(reply.brokerEpoch());
        log.info("Broker {} registered with epoch {}", config.nodeId(), reply.brokerEpoch());
        return heartbeat();
    }

    /**
     * Another incarnation of this broker's id has a live session: wait (see {@link DuplicateRegistrationWait}) in
     * case it is this broker's own dead predecessor, and stop the process once the refusals outlast that.
     */
    private void handleDuplicate(String message) {
        long nowNanos = nanoTime.getAsLong();
        boolean first = !duplicateWait.waiting();
        boolean giveUp = duplicateWait.refusedAt(nowNanos);
        lastProblem = "registration refused: " + message;
        if (giveUp) {
            stopFatally("broker " + config.nodeId() + "'s registration was refused for "
                    + duplicateWait.refusedForMs(nowNanos) + " ms, so another process with node id "
                    + config.nodeId() + " is alive: " + message);
        } else if (first) {
            log.warn("Broker {}: registration refused, retrying for up to {} ms in case the process it names is this "
                    + "broker's own dead predecessor: {}", config.nodeId(), duplicateWait.limitMs(), message);
        }
    }

    /** This broker must not run: stops registering and tells the fault handler, which stops the process. */
    private void stopFatally(String message) {
        lastProblem = message;
        close();
        faultHandler.handleFault(message, null);
    }

    private boolean heartbeat() throws Exception {
        long sentNanos = leaseRenewal.now();
        BrokerHeartbeatReply reply = controller.brokerHeartbeat(config.nodeId(), brokerEpoch.get(),
                        leaderlessLogEnds.get())
                .get(CONTROLLER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (reply.error() == ErrorCode.NONE) {
            leaseRenewal.renew(sentNanos);
            return true;
        }
        lastProblem = "heartbeat refused: " + reply.errorMessage();
        if (reply.error() != ErrorCode.NOT_CONTROLLER) {
            // The controller does not know this epoch any more (e.g. we were fenced): start a new session.
            brokerEpoch.set(BrokerEpoch.UNREGISTERED);
        }
        return false;
    }

    private void maybeCreateOffsetsTopic() throws Exception {
        MetadataImage current = image.get();
        if (current.topics().topic(GroupCoordinator.OFFSETS_TOPIC) != null) {
            return;
        }
        OffsetsTopicCreation.Decision decision = offsetsTopicCreation.decide(current.cluster().brokers().size(),
                current.cluster().unfencedBrokers().size(), nanoTime.getAsLong());
        if (!decision.create()) {
            lastProblem = decision.waitingFor();
            return;
        }
        int replicationFactor = decision.replicationFactor();
        // Compacted: the latest commit per (group, topic, partition) is kept forever, older ones are cleaned.
        TopicResult result = controller.createInternalTopic(GroupCoordinator.OFFSETS_TOPIC,
                config.offsetsTopicPartitions(), replicationFactor,
                Map.of(TopicConfigs.CLEANUP_POLICY, "compact")).get(CONTROLLER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (result.getError() == ErrorCode.TOPIC_ALREADY_EXISTS) {
            return;  // another broker created it first, and logged it
        }
        if (result.getError() != ErrorCode.NONE) {
            lastProblem = "cannot create " + GroupCoordinator.OFFSETS_TOPIC + ": " + result.getErrorMessage();
        } else if (decision.belowConfigured(config.offsetsTopicReplicationFactor())) {
            log.warn("Broker {} created {} with replication factor {}, below {}={}: only {} brokers can host its "
                    + "replicas. Brokers added later do not raise it (reassigning its partitions does)",
                    config.nodeId(),
                    GroupCoordinator.OFFSETS_TOPIC, replicationFactor, NodeConfig.OFFSETS_TOPIC_REPLICATION_FACTOR,
                    config.offsetsTopicReplicationFactor(), replicationFactor);
        } else {
            log.info("Broker {} created {} with replication factor {}", config.nodeId(),
                    GroupCoordinator.OFFSETS_TOPIC, replicationFactor);
        }
    }

    private boolean isFenced() {
        BrokerRegistration registration = image.get().cluster().broker(config.nodeId());
        return registration == null || registration.fenced();
    }

    /**
     * Null once registered, unfenced, the offsets topic exists and this broker is back in the ISR of every partition
     * it replicates under a live leader ({@link CatchUpReadiness}); otherwise why not. The catch-up rule comes last: it
     * is the one a rolling restart waits on before stopping the next node. It holds once per registration: after
     * this broker first caught up, a replica that later falls behind or a reassignment that adds replicas here does
     * not take it out of service (nor block a disruption budget); a new registration (a restart, or a fenced broker
     * registering again, both of which leave it behind in every ISR) waits again.
     */
    String notReadyReason() {
        if (brokerEpoch.get() < 0) {
            return "broker not registered: " + lastProblem;
        }
        if (isFenced()) {
            catchUp.fenced();
            return "broker is fenced: " + lastProblem;
        }
        MetadataImage current = image.get();
        if (current.topics().topic(GroupCoordinator.OFFSETS_TOPIC) == null) {
            return GroupCoordinator.OFFSETS_TOPIC + " not created yet: " + lastProblem;
        }
        return catchUp.notReadyReason(current, brokerEpoch.get());
    }

    /**
     * Controlled shutdown: stops heartbeating, asks the controller to fence this broker and move its leaderships
     * away, then waits until the image shows this broker leads no partition (some may have had no other eligible
     * replica). Bounded by {@code timeoutMs} in total; a refusal or a timeout is logged and the node stops anyway,
     * as after a crash.
     */
    void controlledShutdown(long timeoutMs) {
        close();
        long epoch = brokerEpoch.get();
        if (epoch < 0) {
            return;
        }
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            ControlledShutdownReply reply = controller.controlledShutdown(config.nodeId(), epoch)
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            if (reply.error() != ErrorCode.NONE) {
                log.warn("Broker {}: controlled shutdown refused: {} {}", config.nodeId(), reply.error(),
                        reply.errorMessage());
                return;
            }
            while (ledPartitions() > 0 && System.nanoTime() < deadlineNanos) {
                Thread.sleep(20);
            }
            int left = ledPartitions();
            if (left > 0) {
                log.warn("Broker {}: controlled shutdown: still leads {} partitions (no other eligible replica or "
                        + "the image is late); stopping anyway", config.nodeId(), left);
            } else {
                log.info("Broker {}: controlled shutdown done, leads no partition", config.nodeId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Broker {}: controlled shutdown failed, stopping anyway: {}", config.nodeId(), e.toString());
        }
    }

    private int ledPartitions() {
        int count = 0;
        for (TopicImage topic : image.get().topics().topicsByName().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                if (partition.leaderId() == config.nodeId()) {
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
