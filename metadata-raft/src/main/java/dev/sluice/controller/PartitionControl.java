package dev.sluice.controller;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ReassignPartitionRequest;
import dev.sluice.proto.v1.TopicResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ISR changes proposed by partition leaders ({@code AlterPartition}) and producer id blocks. Pure; controller
 * thread.
 *
 * <p>An ISR change must come from the current leader at the current leader epoch and carry the current partition
 * epoch; anything older is stale ({@code FENCED_EPOCH}): the controller changed the partition since the leader last
 * saw it, and the leader must refresh its metadata first. A replica joins the ISR only while unfenced and, when the
 * leader names the broker epoch of the fetch that caught it up, only at its registered epoch ({@code
 * STALE_BROKER_EPOCH} otherwise).
 */
final class PartitionControl {
    private final ControllerConfig config;

    PartitionControl(ControllerConfig config) {
        this.config = config;
    }

    ControllerResult<AlterPartitionReply> alterPartition(MetadataImage image, UUID topicId, int partitionIndex,
            int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> joiningEpochs) {
        TopicImage topic = image.topics().topic(topicId);
        PartitionImage partition = topic == null ? null : topic.partition(partitionIndex);
        if (partition == null) {
            return refuse(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition " + topicId + "-" + partitionIndex
                    + " does not exist", null);
        }
        String where = "partition " + topic.name() + "-" + partitionIndex;
        if (leaderEpoch != partition.leaderEpoch()) {
            return refuse(ErrorCode.FENCED_EPOCH, where + ": leader epoch " + leaderEpoch + " but the current one is "
                    + partition.leaderEpoch(), partition);
        }
        if (leaderId != partition.leaderId()) {
            return refuse(ErrorCode.NOT_LEADER, where + ": broker " + leaderId + " is not the leader; "
                    + partition.leaderId() + " is", partition);
        }
        if (partitionEpoch != partition.partitionEpoch()) {
            return refuse(ErrorCode.FENCED_EPOCH, where + ": stale partition epoch " + partitionEpoch
                    + ", the current one is " + partition.partitionEpoch(), partition);
        }
        String isrError = checkIsr(image, partition, leaderId, newIsr);
        if (isrError != null) {
            return refuse(ErrorCode.INVALID_REQUEST, where + ": " + isrError, partition);
        }
        String staleJoiner = staleJoiner(image, partition, newIsr, joiningEpochs);
        if (staleJoiner != null) {
            return refuse(ErrorCode.STALE_BROKER_EPOCH, where + ": " + staleJoiner, partition);
        }
        if (newIsr.equals(partition.isr())) {
            return ControllerResult.of(new AlterPartitionReply(ErrorCode.NONE, "", partition));
        }
        // An ISR back at min.insync.replicas moves the high watermark without the eligible leaders: they may fall
        // behind acknowledged records, so they stop being eligible.
        boolean clearEligible = !partition.eligibleLeaders().isEmpty()
                && newIsr.size() >= image.configs().effective(topic.name()).minInsyncReplicas();
        MetadataRecord change = MetadataRecords.partitionChange(topicId, partitionIndex, null, newIsr, null,
                clearEligible ? List.of() : null);
        PartitionImage changed = partition.merge(change.getPartitionChange());
        return new ControllerResult<>(List.of(change), new AlterPartitionReply(ErrorCode.NONE, "", changed));
    }

    private static String checkIsr(MetadataImage image, PartitionImage partition, int leaderId, List<Integer> isr) {
        Set<Integer> distinct = new HashSet<>(isr);
        if (isr.isEmpty() || distinct.size() != isr.size()) {
            return "new ISR " + isr + " is empty or has duplicates";
        }
        if (!partition.replicas().containsAll(isr)) {
            return "new ISR " + isr + " is not a subset of the replicas " + partition.replicas();
        }
        if (!distinct.contains(leaderId)) {
            return "new ISR " + isr + " does not contain the leader " + leaderId;
        }
        for (int replica : isr) {
            if (!partition.isr().contains(replica) && !image.cluster().isUnfenced(replica)) {
                return "broker " + replica + " is fenced and cannot join the ISR";
            }
        }
        return null;
    }

    /**
     * KIP-903: a replica joins the ISR only on the word of a fetch from its current process. A fetch that reached
     * the leader from a previous process (sent before a crash, delivered late) carries that process's broker epoch;
     * the current process may have lost that log (a rebuilt store). A joining replica without an epoch is not checked.
     */
    private static String staleJoiner(MetadataImage image, PartitionImage partition, List<Integer> isr,
            Map<Integer, Long> joiningEpochs) {
        for (int replica : isr) {
            Long fetchEpoch = joiningEpochs.get(replica);
            if (partition.isr().contains(replica) || fetchEpoch == null) {
                continue;
            }
            BrokerRegistration registration = image.cluster().broker(replica);
            if (registration == null || registration.epoch() != fetchEpoch) {
                return "broker " + replica + " caught up with a fetch of broker epoch " + fetchEpoch
                        + ", but its registered epoch is " + (registration == null ? "none" : registration.epoch());
            }
        }
        return null;
    }

    private static ControllerResult<AlterPartitionReply> refuse(ErrorCode code, String message,
            PartitionImage partition) {
        return ControllerResult.of(new AlterPartitionReply(code, message, partition));
    }

    ControllerResult<ProducerIdsReply> allocateProducerIds(MetadataImage image, int brokerId, int count) {
        if (image.cluster().broker(brokerId) == null) {
            return ControllerResult.of(ProducerIdsReply.error(ErrorCode.INVALID_REQUEST,
                    "broker " + brokerId + " is not registered"));
        }
        if (count < 1 || count > config.maxProducerIdBlock()) {
            return ControllerResult.of(ProducerIdsReply.error(ErrorCode.INVALID_REQUEST,
                    "producer id block size must be 1.." + config.maxProducerIdBlock() + ", got " + count));
        }
        long first = image.producerIds().nextProducerId();
        if (first > Long.MAX_VALUE - count) {
            return ControllerResult.of(ProducerIdsReply.error(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "producer ids are exhausted"));
        }
        return new ControllerResult<>(List.of(MetadataRecords.producerIds(brokerId, first + count)),
                new ProducerIdsReply(ErrorCode.NONE, "", first, count));
    }

    /** See {@code ReassignPartitionRequest} in {@code admin.proto}: the two steps of a replica move. */
    ControllerResult<TopicResult> reassignPartition(MetadataImage image, ReassignPartitionRequest request) {
        String name = request.getTopic();
        TopicImage topic = image.topics().topic(name);
        PartitionImage partition = topic == null ? null : topic.partition(request.getPartition());
        if (partition == null) {
            return reassignRefusal(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition " + name + "-"
                    + request.getPartition() + " does not exist");
        }
        List<Integer> target = request.getReplicasList();
        if (target.isEmpty() || new HashSet<>(target).size() != target.size()) {
            return reassignRefusal(name, ErrorCode.INVALID_REQUEST, "replicas " + target
                    + " are empty or have duplicates");
        }
        for (int broker : target) {
            if (image.cluster().broker(broker) == null) {
                return reassignRefusal(name, ErrorCode.INVALID_REQUEST, "broker " + broker + " is not registered");
            }
        }
        MetadataRecord change;
        if (!request.getComplete()) {
            List<Integer> replicas = new ArrayList<>(target);
            partition.replicas().stream().filter(r -> !target.contains(r)).forEach(replicas::add);
            if (replicas.equals(partition.replicas())) {
                return ControllerResult.of(reassignOk(name));
            }
            change = MetadataRecords.partitionChange(topic.id(), request.getPartition(), null, null, replicas);
        } else {
            if (!partition.hasLeader()) {
                // Leading it here would skip the election from the candidates' reported log ends (recover).
                return reassignRefusal(name, ErrorCode.LEADER_NOT_AVAILABLE, "the partition has no leader; complete "
                        + "the reassignment once it is led again");
            }
            if (!partition.isr().containsAll(target)) {
                return reassignRefusal(name, ErrorCode.NOT_ENOUGH_REPLICAS, "replicas " + target
                        + " are not all in the ISR " + partition.isr() + " yet");
            }
            if (target.equals(partition.replicas())) {
                return ControllerResult.of(reassignOk(name));
            }
            List<Integer> isr = partition.isr().stream().filter(target::contains).toList();
            Integer leader = target.contains(partition.leaderId()) ? null : target.stream()
                    .filter(r -> image.cluster().isUnfenced(r)).findFirst().orElse(PartitionImage.NO_LEADER);
            change = MetadataRecords.partitionChange(topic.id(), request.getPartition(), leader, isr, target);
        }
        return new ControllerResult<>(List.of(change), reassignOk(name));
    }

    private static TopicResult reassignOk(String name) {
        return TopicResult.newBuilder().setName(name).setError(ErrorCode.NONE).build();
    }

    private static ControllerResult<TopicResult> reassignRefusal(String name, ErrorCode code, String message) {
        return ControllerResult.of(TopicResult.newBuilder().setName(name).setError(code).setErrorMessage(message)
                .build());
    }
}
