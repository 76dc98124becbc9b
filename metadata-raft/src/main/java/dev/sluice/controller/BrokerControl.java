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

    ControllerResult<BrokerRegistrationReply> registerBroker(MetadataImage image, int brokerId, String host,
            int port, String rack) {
        if (brokerId < 0) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST,
                    "broker id " + brokerId + " is negative"));
        }
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            return ControllerResult.of(BrokerRegistrationReply.error(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " needs a host and a port in 1..65535, got " + host + ":" + port));
        }
        BrokerRegistration previous = image.cluster().broker(brokerId);
        long epoch = previous == null ? 1 : previous.epoch() + 1;
        WorkingImage working = new WorkingImage(image);
        working.append(MetadataRecords.registerBroker(brokerId, epoch, host, port, rack == null ? "" : rack));
        if (previous != null && !previous.fenced()) {
            // The new registration fences the old incarnation, so what it led needs a new leader.
            working.append(PartitionElection.electAll(working.image(),
                    partition -> partition.isr().contains(brokerId)));
        }
        return new ControllerResult<>(working.records(), new BrokerRegistrationReply(ErrorCode.NONE, "", epoch));
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
        return new ControllerResult<>(fence(image, broker), ControlledShutdownReply.OK);
    }

    ControllerResult<BrokerHeartbeatReply> brokerHeartbeat(MetadataImage image, int brokerId, long brokerEpoch) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        if (broker == null) {
            return ControllerResult.of(BrokerHeartbeatReply.error(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " is not registered"));
        }
        if (broker.epoch() != brokerEpoch) {
            return ControllerResult.of(BrokerHeartbeatReply.error(ErrorCode.FENCED_EPOCH, "broker " + brokerId
                    + " heartbeat with epoch " + brokerEpoch + " but its registration has epoch " + broker.epoch()));
        }
        if (!broker.fenced()) {
            return ControllerResult.of(new BrokerHeartbeatReply(ErrorCode.NONE, "", false));
        }
        WorkingImage working = new WorkingImage(image);
        working.append(MetadataRecords.unfenceBroker(brokerId, brokerEpoch));
        // Leaderless partitions this broker replicates may now get a leader.
        working.append(PartitionElection.electAll(working.image(),
                partition -> !partition.hasLeader() && partition.replicas().contains(brokerId)));
        return new ControllerResult<>(working.records(), new BrokerHeartbeatReply(ErrorCode.NONE, "", false));
    }

    /**
     * Fences every unfenced broker whose last heartbeat ({@code lastHeartbeatMs}, soft state of the shell) is older
     * than the session timeout, and moves leadership and ISR membership off it. A broker without a recorded
     * heartbeat is left alone: the shell records one for every broker when it becomes active.
     *
     * @return the records and the ids of the brokers fenced
     */
    ControllerResult<List<Integer>> tick(MetadataImage image, Map<Integer, Long> lastHeartbeatMs, long nowMs) {
        WorkingImage working = new WorkingImage(image);
        List<Integer> fenced = new ArrayList<>();
        for (BrokerRegistration broker : image.cluster().unfencedBrokers()) {
            Long last = lastHeartbeatMs.get(broker.id());
            if (last != null && nowMs - last > config.sessionTimeoutMs()) {
                fenced.add(broker.id());
                working.append(fence(working.image(), broker));
            }
        }
        return new ControllerResult<>(working.records(), List.copyOf(fenced));
    }

    private static List<MetadataRecord> fence(MetadataImage image, BrokerRegistration broker) {
        WorkingImage working = new WorkingImage(image);
        working.append(MetadataRecords.fenceBroker(broker.id(), broker.epoch()));
        working.append(PartitionElection.electAll(working.image(),
                (PartitionImage partition) -> partition.isr().contains(broker.id())));
        return working.records();
    }
}
