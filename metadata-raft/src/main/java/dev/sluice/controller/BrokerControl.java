package dev.sluice.controller;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Broker lifecycle decisions: registration, heartbeats (the first one unfences), and fencing brokers whose session
 * expired, with leader election for what they led. Pure: each call takes the image and returns records plus a
 * reply. Controller thread.
 *
 * <p>Broker epochs count per broker: the first registration gets epoch 1 and each new registration of the same id
 * the previous epoch plus one. Epochs are in the committed records, so they survive controller fail-over; a broker
 * process that restarts registers again and its old incarnation's heartbeats get {@code FENCED_EPOCH}.
 */
final class BrokerControl {
    private final ControllerConfig config;

    BrokerControl(ControllerConfig config) {
        this.config = config;
    }

    /**
     * Registers a broker, unless another incarnation of its id still has a live session: then
     * {@code DUPLICATE_BROKER_REGISTRATION}, since two processes with one id would otherwise fence each other in turn
     * forever. The same incarnation may register again (a retry, or a new session after it was fenced). A broker
     * that registers with another log store than before (its store was created empty since) leaves every ISR and set
     * of eligible leaders in the same records ({@link PartitionElection#forgetEmptiedReplica}), as Kafka's KIP-858
     * does for a failed log directory.
     *
     * @param sessions the shell's soft state of broker sessions (last heartbeats, clean shutdowns)
     */
    ControllerResult<BrokerRegistrationReply> registerBroker(MetadataImage image, BrokerRegistrationRequest request,
            BrokerSessions sessions, long nowMs) {
        int brokerId = request.brokerId();
        if (brokerId < 0) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST,
                    "broker id " + brokerId + " is negative"));
        }
        if (request.host() == null || request.host().isBlank() || request.port() < 1 || request.port() > 65535) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST, "broker " + brokerId
                    + " needs a host and a port in 1..65535, got " + request.host() + ":" + request.port()));
        }
        if (request.kafkaPort() < 0 || request.kafkaPort() > 65535) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST, "broker " + brokerId
                    + " needs a Kafka port in 0..65535 (0: none), got " + request.kafkaPort()));
        }
        if (request.incarnationId().isEmpty()) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " sent no incarnation id"));
        }
        BrokerRegistration previous = image.cluster().broker(brokerId);
        if (previous != null && !previous.incarnationId().equals(request.incarnationId())
                && sessions.isLive(previous, nowMs)) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.DUPLICATE_BROKER_REGISTRATION,
                    duplicateMessage(previous, request, sessions, nowMs)));
        }
        long epoch = previous == null ? 1 : previous.epoch() + 1;
        WorkingImage working = new WorkingImage(image);
        // Other brokers whose sessions expired with the old incarnation's (e.g. every node restarted, and the new
        // controller's sessions for the dead processes ran out together) are fenced in the same election, as the
        // tick would: a registration that wins the race against the tick must not split one outage in two.
        List<Integer> lost = new ArrayList<>();
        for (BrokerRegistration broker : image.cluster().unfencedBrokers()) {
            if (broker.id() != brokerId && sessions.sinceLastHeartbeatMs(broker.id(), nowMs)
                    > config.sessionTimeoutMs()) {
                lost.add(broker.id());
                working.append(MetadataRecords.fenceBroker(broker.id(), broker.epoch()));
            }
        }
        working.append(MetadataRecords.registerBroker(brokerId, epoch, request.host(), request.port(),
                request.rack(), request.incarnationId(), request.directoryId(), request.kafkaPort(),
                request.logStoreId()));
        if (storeReplaced(previous, request)) {
            // Before any election below: an emptied store must not be a candidate in it.
            working.append(PartitionElection.forgetEmptiedReplica(working.image(), brokerId));
        }
        if (previous != null && !previous.fenced()) {
            // The new registration fences the old incarnation, so what it led needs a new leader.
            lost.add(brokerId);
        }
        if (!lost.isEmpty()) {
            working.append(PartitionElection.electAll(working.image(),
                    partition -> partition.isr().stream().anyMatch(lost::contains), noReports()));
        }
        return new ControllerResult<>(working.records(), new BrokerRegistrationReply(ErrorCode.NONE, "", epoch));
    }

    /**
     * Whether the broker registers with another log store than its registered one: the store was created empty
     * since (e.g. a damaged store moved aside), so its replicas hold nothing. Unknown on either side: no.
     */
    private static boolean storeReplaced(BrokerRegistration previous, BrokerRegistrationRequest request) {
        return previous != null && !previous.logStoreId().isEmpty() && !request.logStoreId().isEmpty()
                && !previous.logStoreId().equals(request.logStoreId());
    }

    private String duplicateMessage(BrokerRegistration live, BrokerRegistrationRequest request,
            BrokerSessions sessions, long nowMs) {
        return "broker " + live.id() + " is registered by another live process (incarnation " + orUnknown(
                live.incarnationId()) + ", data directory " + orUnknown(live.directoryId()) + ", at " + live.host()
                + ":" + live.port() + ", last heartbeat " + sessions.sinceLastHeartbeatMs(live.id(), nowMs)
                + " ms ago); refusing incarnation " + request.incarnationId() + " (data directory "
                + orUnknown(request.directoryId()) + ", at " + request.host() + ":" + request.port() + "). Two "
                + "processes were started with node id " + live.id() + ": stop one, or give it an unused node id. A "
                + "restarted broker is accepted once the old process's session expires ("
                + config.sessionTimeoutMs() + " ms without a heartbeat)";
    }

    private static String orUnknown(String id) {
        return id.isEmpty() ? "unknown" : id;
    }

    /**
     * A broker stopping cleanly: fences it and moves leadership and ISR membership off it, as a session expiry
     * would, but at once. Already fenced: nothing to do.
     */
    ControllerResult<ControlledShutdownReply> controlledShutdown(MetadataImage image, int brokerId,
            long brokerEpoch) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        if (broker == null) {
            return ControllerResult.of(new ControlledShutdownReply(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " is not registered"));
        }
        if (broker.epoch() != brokerEpoch) {
            return ControllerResult.of(new ControlledShutdownReply(ErrorCode.FENCED_EPOCH, "broker " + brokerId
                    + " shutdown with epoch " + brokerEpoch + " but its registration has epoch " + broker.epoch()));
        }
        if (broker.fenced()) {
            return ControllerResult.of(ControlledShutdownReply.OK);
        }
        return new ControllerResult<>(fence(image, broker, noReports()), ControlledShutdownReply.OK);
    }

    private PartitionElection.Inputs noReports() {
        return PartitionElection.Inputs.noReports(config.sessionTimeoutMs());
    }

    /**
     * A heartbeat: the first one of a registration unfences the broker. Leaderless partitions the broker replicates
     * may then get a leader, from {@code reports} (which already hold this heartbeat's): see
     * {@link PartitionElection}; the rest of their last ISR is waited for up to a session timeout.
     */
    ControllerResult<BrokerHeartbeatReply> brokerHeartbeat(MetadataImage image, int brokerId, long brokerEpoch,
            LeaderlessReports reports, long nowMs) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        if (broker == null) {
            return ControllerResult.of(BrokerHeartbeatReply.error(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " is not registered"));
        }
        if (broker.epoch() != brokerEpoch) {
            return ControllerResult.of(BrokerHeartbeatReply.error(ErrorCode.FENCED_EPOCH, "broker " + brokerId
                    + " heartbeat with epoch " + brokerEpoch + " but its registration has epoch " + broker.epoch()));
        }
        if (!broker.fenced() && !reports.hasReportsFrom(brokerId)) {
            return ControllerResult.of(new BrokerHeartbeatReply(ErrorCode.NONE, "", false));
        }
        WorkingImage working = new WorkingImage(image);
        if (broker.fenced()) {
            working.append(MetadataRecords.unfenceBroker(brokerId, brokerEpoch));
        }
        working.append(PartitionElection.electAll(working.image(),
                partition -> !partition.hasLeader() && partition.replicas().contains(brokerId),
                new PartitionElection.Inputs(reports, nowMs, config.sessionTimeoutMs())));
        return new ControllerResult<>(working.records(), new BrokerHeartbeatReply(ErrorCode.NONE, "", false));
    }

    /**
     * Fences every unfenced broker whose last heartbeat ({@code lastHeartbeatMs}, soft state of the shell) is older
     * than the session timeout, and moves leadership and ISR membership off it. A broker without a recorded
     * heartbeat is left alone: the shell records one for every broker when it becomes active. Then leads leaderless
     * partitions whose wait for the rest of their last ISR is over (see {@link PartitionElection}).
     *
     * @return the records and the ids of the brokers fenced
     */
    ControllerResult<List<Integer>> tick(MetadataImage image, Map<Integer, Long> lastHeartbeatMs,
            LeaderlessReports reports, long nowMs) {
        WorkingImage working = new WorkingImage(image);
        List<Integer> fenced = new ArrayList<>();
        for (BrokerRegistration broker : image.cluster().unfencedBrokers()) {
            Long last = lastHeartbeatMs.get(broker.id());
            if (last != null && nowMs - last > config.sessionTimeoutMs()) {
                fenced.add(broker.id());
                working.append(MetadataRecords.fenceBroker(broker.id(), broker.epoch()));
            }
        }
        // Sessions that expired together are lost together: one election, so that a partition whose whole ISR is
        // among them keeps that ISR as its candidates instead of the one member fenced last.
        if (!fenced.isEmpty()) {
            working.append(PartitionElection.electAll(working.image(),
                    partition -> partition.isr().stream().anyMatch(fenced::contains), noReports()));
        }
        if (!reports.isEmpty()) {
            working.append(PartitionElection.electAll(working.image(), partition -> !partition.hasLeader(),
                    new PartitionElection.Inputs(reports, nowMs, config.sessionTimeoutMs())));
        }
        return new ControllerResult<>(working.records(), List.copyOf(fenced));
    }

    private static List<MetadataRecord> fence(MetadataImage image, BrokerRegistration broker,
            PartitionElection.Inputs inputs) {
        WorkingImage working = new WorkingImage(image);
        working.append(MetadataRecords.fenceBroker(broker.id(), broker.epoch()));
        working.append(PartitionElection.electAll(working.image(),
                (PartitionImage partition) -> partition.isr().contains(broker.id()), inputs));
        return working.records();
    }
}
