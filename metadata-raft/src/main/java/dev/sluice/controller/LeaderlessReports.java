package dev.sluice.controller;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The controller shell's soft state about leaderless partitions: what each broker last reported about its replicas
 * of them ({@link ReplicaLogEnd}, sent with every heartbeat) and when the first report for each partition arrived.
 * Not in the metadata log: a new active controller hears every live broker again within a heartbeat interval.
 * Controller thread only.
 */
final class LeaderlessReports {
    /** No reports: elections that need them wait. */
    static final LeaderlessReports NONE = new LeaderlessReports();

    private final Map<Integer, Map<PartitionId, ReplicaLogEnd>> byBroker = new HashMap<>();
    private final Map<PartitionId, Long> firstReportMs = new HashMap<>();

    private record PartitionId(UUID topicId, int partition) {
    }

    /** Replaces {@code brokerId}'s reports with the ones of its latest heartbeat. */
    void record(int brokerId, List<ReplicaLogEnd> logEnds, long nowMs) {
        Map<PartitionId, ReplicaLogEnd> reports = new HashMap<>();
        for (ReplicaLogEnd end : logEnds) {
            PartitionId id = new PartitionId(end.topicId(), end.partition());
            reports.put(id, end);
            firstReportMs.putIfAbsent(id, nowMs);
        }
        if (reports.isEmpty()) {
            byBroker.remove(brokerId);
        } else {
            byBroker.put(brokerId, reports);
        }
        firstReportMs.keySet().removeIf(id -> byBroker.values().stream().noneMatch(r -> r.containsKey(id)));
    }

    /** Forgets every report, e.g. when this controller stops being active. */
    void clear() {
        byBroker.clear();
        firstReportMs.clear();
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

    /** When the first report about the partition arrived, or empty when none is held. */
    Optional<Long> firstReportMs(UUID topicId, int partition) {
        return Optional.ofNullable(firstReportMs.get(new PartitionId(topicId, partition)));
    }
}
