package dev.sluice.controller;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The controller shell's soft state about leaderless partitions: what each broker last reported about its replicas
 * of them ({@link ReplicaLogEnd}, sent with every heartbeat) and since when each broker has reported each partition.
 * Not in the metadata log: a new active controller hears every live broker again within a heartbeat interval.
 * Controller thread only.
 */
final class LeaderlessReports {
    /** No reports: elections that need them wait. */
    static final LeaderlessReports NONE = new LeaderlessReports();

    private final Map<Integer, Map<PartitionId, ReplicaLogEnd>> byBroker = new HashMap<>();
    private final Map<Integer, Map<PartitionId, Long>> reportingSinceMs = new HashMap<>();

    private record PartitionId(UUID topicId, int partition) {
    }

    /** Replaces {@code brokerId}'s reports with the ones of its latest heartbeat. */
    void record(int brokerId, List<ReplicaLogEnd> logEnds, long nowMs) {
        Map<PartitionId, ReplicaLogEnd> reports = new HashMap<>();
        Map<PartitionId, Long> previousSince = reportingSinceMs.getOrDefault(brokerId, Map.of());
        Map<PartitionId, Long> since = new HashMap<>();
        for (ReplicaLogEnd end : logEnds) {
            PartitionId id = new PartitionId(end.topicId(), end.partition());
            reports.put(id, end);
            since.put(id, previousSince.getOrDefault(id, nowMs));
        }
        if (reports.isEmpty()) {
            byBroker.remove(brokerId);
            reportingSinceMs.remove(brokerId);
        } else {
            byBroker.put(brokerId, reports);
            reportingSinceMs.put(brokerId, since);
        }
    }

    /** Forgets every report, e.g. when this controller stops being active. */
    void clear() {
        byBroker.clear();
        reportingSinceMs.clear();
    }

    boolean isEmpty() {
        return byBroker.isEmpty();
    }

    boolean hasReportsFrom(int brokerId) {
        return byBroker.containsKey(brokerId);
    }

    Optional<ReplicaLogEnd> reported(int brokerId, UUID topicId, int partition) {
        Map<PartitionId, ReplicaLogEnd> reports = byBroker.get(brokerId);
        return reports == null ? Optional.empty()
                : Optional.ofNullable(reports.get(new PartitionId(topicId, partition)));
    }

    /**
     * When the first of {@code brokers} that still reports the partition began to, or empty when none does. Only the
     * partition's candidates start its wait: a report from a replica that may not lead (outside the last ISR, or
     * emptied) must not shorten the wait for the ones that may.
     */
    Optional<Long> firstReportMs(UUID topicId, int partition, Collection<Integer> brokers) {
        PartitionId id = new PartitionId(topicId, partition);
        Long first = null;
        for (int broker : brokers) {
            Long since = reportingSinceMs.getOrDefault(broker, Map.of()).get(id);
            if (since != null && (first == null || since < first)) {
                first = since;
            }
        }
        return Optional.ofNullable(first);
    }
}
