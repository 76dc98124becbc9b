package dev.sluice.controller;

import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Recomputes a partition's leader, ISR and eligible leaders after brokers were fenced or unfenced, or reported where
 * their replicas of a leaderless partition end. Stateless; controller thread.
 *
 * <p>Rules while the partition has a leader (Kafka's):
 * <ul>
 *   <li>Fenced brokers leave the ISR. One that leaves while the remaining ISR is below {@code min.insync.replicas}
 *       becomes an eligible leader: no acks=all write was acknowledged since without it. Fencing never empties
 *       the ISR: when every member is fenced it is kept, and the partition has no leader.</li>
 *   <li>A leader that is unfenced and in the ISR stays. Otherwise the first replica (in replica order) that is in the
 *       ISR and unfenced becomes leader.</li>
 * </ul>
 *
 * <p>A partition without a leader lost every member of its last ISR (the ISR and the eligible leaders, see
 * {@link PartitionImage#lastIsr()}); each may have kept a different part of the log, e.g. after a power loss of every
 * replica. It is led again by the candidate whose log ends furthest ({@link ReplicaLogEnd#FURTHEST}), as the
 * candidates report in their heartbeats, once every candidate is back, or once {@code waitMs} passed since the first
 * candidate reported (a report from any other replica starts no wait) and at least one candidate is back: the others
 * then follow it and truncate only what no candidate may have acknowledged. With
 * {@code unclean.leader.election.enable} and no candidate back (or none left: an empty ISR), the unfenced replica
 * whose reported log ends furthest (else the first unfenced one) leads with an ISR of itself (data may be lost).
 *
 * <p>Preferred leader ({@link #preferredLeaders}): a partition that has a leader, and whose first replica is
 * unfenced, in the ISR and not the leader, gets it back as leader, so leadership spreads again after brokers restart.
 */
final class PartitionElection {
    /**
     * What an election reads besides the image.
     *
     * @param reports where brokers' replicas of leaderless partitions end
     * @param waitMs how long after the first report a leaderless partition waits for the rest of its last ISR
     */
    record Inputs(LeaderlessReports reports, long nowMs, long waitMs) {
        /** For elections that never lead a leaderless partition back, e.g. when fencing. */
        static Inputs noReports(long waitMs) {
            return new Inputs(LeaderlessReports.NONE, 0, waitMs);
        }
    }

    private PartitionElection() {
    }

    /**
     * Records that fix every partition for which {@code affected} is true, against {@code image}, whose cluster
     * already shows the new fencing state.
     */
    static List<MetadataRecord> electAll(MetadataImage image, Predicate<PartitionImage> affected, Inputs inputs) {
        List<MetadataRecord> records = new ArrayList<>();
        ClusterImage cluster = image.cluster();
        ConfigsImage configs = image.configs();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            TopicConfigs topicConfigs = configs.effective(topic.name());
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                if (affected.test(entry.getValue())) {
                    MetadataRecord change = elect(topic.id(), entry.getKey(), entry.getValue(), cluster::isUnfenced,
                            topicConfigs, inputs);
                    if (change != null) {
                        records.add(change);
                    }
                }
            }
        }
        return records;
    }

    /** The change that brings one partition in line with the rules, or null when it already is. */
    static MetadataRecord elect(UUID topicId, int index, PartitionImage partition, IntPredicate unfenced,
            TopicConfigs configs, Inputs inputs) {
        if (!partition.hasLeader()) {
            return recover(topicId, index, partition, unfenced, configs, inputs);
        }
        List<Integer> isr = partition.isr().stream().filter(unfenced::test).toList();
        if (isr.isEmpty()) {
            // The last ISR is gone: the partition is leaderless now, unless it may be led again at once.
            PartitionImage leaderless = new PartitionImage(partition.replicas(), partition.isr(),
                    PartitionImage.NO_LEADER, partition.leaderEpoch(), partition.partitionEpoch(),
                    partition.eligibleLeaders());
            MetadataRecord recovered = recover(topicId, index, leaderless, unfenced, configs, inputs);
            return recovered != null ? recovered : change(topicId, index, partition, PartitionImage.NO_LEADER,
                    partition.isr(), partition.eligibleLeaders());
        }
        Set<Integer> eligible = new LinkedHashSet<>(partition.eligibleLeaders());
        if (isr.size() < configs.minInsyncReplicas()) {
            partition.isr().stream().filter(replica -> !isr.contains(replica)).forEach(eligible::add);
        }
        int leader = isr.contains(partition.leaderId()) ? partition.leaderId()
                : partition.replicas().stream().filter(isr::contains).findFirst().orElseThrow();
        return change(topicId, index, partition, leader, isr, List.copyOf(eligible));
    }

    /** A leaderless partition: its furthest candidate once enough are back, else unclean if allowed, else none. */
    private static MetadataRecord recover(UUID topicId, int index, PartitionImage partition, IntPredicate unfenced,
            TopicConfigs configs, Inputs inputs) {
        List<Integer> candidates = partition.lastIsr();
        List<Integer> back = reporting(topicId, index, partition,
                replica -> candidates.contains(replica) && unfenced.test(replica), inputs.reports());
        boolean everyCandidateBack = back.size() == candidates.size();
        boolean waited = inputs.reports().firstReportMs(topicId, index, candidates)
                .map(first -> inputs.nowMs() - first >= inputs.waitMs()).orElse(false);
        if (!back.isEmpty() && (everyCandidateBack || waited)) {
            int leader = furthest(topicId, index, back, inputs.reports());
            List<Integer> eligible = configs.minInsyncReplicas() > 1
                    ? candidates.stream().filter(replica -> replica != leader).toList() : List.of();
            return change(topicId, index, partition, leader, List.of(leader), eligible);
        }
        boolean anyCandidateUnfenced = candidates.stream().anyMatch(unfenced::test);
        if (!anyCandidateUnfenced && configs.uncleanLeaderElectionEnable()) {
            // Unclean: the unfenced replica whose reported log ends furthest, so as to lose as little as it can; the
            // first unfenced one when none reported.
            List<Integer> reported = reporting(topicId, index, partition, unfenced, inputs.reports());
            int leader = !reported.isEmpty() ? furthest(topicId, index, reported, inputs.reports())
                    : partition.replicas().stream().filter(unfenced::test).findFirst()
                            .orElse(PartitionImage.NO_LEADER);
            if (leader != PartitionImage.NO_LEADER) {
                return change(topicId, index, partition, leader, List.of(leader), List.of());
            }
        }
        return null;
    }

    /** The replicas of the partition, in replica order, for which {@code eligible} holds and that reported it. */
    private static List<Integer> reporting(UUID topicId, int index, PartitionImage partition, IntPredicate eligible,
            LeaderlessReports reports) {
        return partition.replicas().stream().filter(replica -> eligible.test(replica)
                && reports.reported(replica, topicId, index).isPresent()).toList();
    }

    /** Of {@code reported} (non-empty), the one whose log ends furthest; the first of equals. */
    private static int furthest(UUID topicId, int index, List<Integer> reported, LeaderlessReports reports) {
        int best = reported.get(0);
        ReplicaLogEnd bestEnd = reports.reported(best, topicId, index).orElseThrow();
        for (int replica : reported.subList(1, reported.size())) {
            ReplicaLogEnd end = reports.reported(replica, topicId, index).orElseThrow();
            if (ReplicaLogEnd.FURTHEST.compare(end, bestEnd) > 0) {
                best = replica;
                bestEnd = end;
            }
        }
        return best;
    }

    private static MetadataRecord change(UUID topicId, int index, PartitionImage partition, int leader,
            List<Integer> isr, List<Integer> eligible) {
        boolean leaderChanged = leader != partition.leaderId();
        boolean isrChanged = !isr.equals(partition.isr());
        boolean eligibleChanged = !eligible.equals(partition.eligibleLeaders());
        if (!leaderChanged && !isrChanged && !eligibleChanged) {
            return null;
        }
        return MetadataRecords.partitionChange(topicId, index, leaderChanged ? leader : null,
                isrChanged ? isr : null, null, eligibleChanged ? eligible : null);
    }

    /**
     * Records that take {@code brokerId}, whose log store was replaced by an empty one, out of every ISR and set of
     * eligible leaders: it holds none of the records its replicas held, so electing it would truncate every other
     * replica to its empty log. Where it led, the first unfenced replica left in the ISR leads (none: leaderless,
     * led again from its candidates' reports). Where the ISR was only this broker, the eligible leaders become the
     * ISR of a leaderless partition. Where it was the only candidate, the partition is left leaderless with an empty
     * ISR: no replica is known to hold its acknowledged records, so only an unclean election (which the topic must
     * allow) leads it again.
     */
    static List<MetadataRecord> forgetEmptiedReplica(MetadataImage image, int brokerId) {
        List<MetadataRecord> records = new ArrayList<>();
        ClusterImage cluster = image.cluster();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                if (!partition.lastIsr().contains(brokerId)) {
                    continue;
                }
                List<Integer> isr = without(partition.isr(), brokerId);
                List<Integer> eligible = without(partition.eligibleLeaders(), brokerId);
                MetadataRecord change;
                if (isr.isEmpty()) {
                    change = change(topic.id(), entry.getKey(), partition, PartitionImage.NO_LEADER, eligible,
                            List.of());
                } else {
                    int leader = partition.leaderId() != brokerId ? partition.leaderId()
                            : partition.replicas().stream().filter(replica -> isr.contains(replica)
                                    && cluster.isUnfenced(replica)).findFirst().orElse(PartitionImage.NO_LEADER);
                    change = change(topic.id(), entry.getKey(), partition, leader, isr, eligible);
                }
                if (change != null) {
                    records.add(change);
                }
            }
        }
        return records;
    }

    private static List<Integer> without(List<Integer> brokers, int brokerId) {
        return brokers.stream().filter(id -> id != brokerId).toList();
    }

    /** Records that make each partition's first replica its leader again where it is eligible and is not. */
    static List<MetadataRecord> preferredLeaders(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        ClusterImage cluster = image.cluster();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                int preferred = partition.replicas().get(0);
                // A leaderless partition is led again only by the election from its candidates' reports
                // (recover): its ISR is the last one, whose members may have kept logs of different lengths.
                if (partition.hasLeader() && preferred != partition.leaderId() && partition.isr().contains(preferred)
                        && cluster.isUnfenced(preferred)) {
                    records.add(MetadataRecords.partitionChange(topic.id(), entry.getKey(), preferred, null, null));
                }
            }
        }
        return records;
    }
}
