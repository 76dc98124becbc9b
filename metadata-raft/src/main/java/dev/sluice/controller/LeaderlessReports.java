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

    private final Map<Integer, Map<PartitionId, Report>> byBroker = new HashMap<>();

    private record PartitionId(UUID topicId, int partition) {
    }

    /** A broker's latest report about one partition, and since when it has reported that partition. */
    private record Report(ReplicaLogEnd end, long sinceMs) {
    }

    /** Replaces {@code brokerId}'s reports with the ones of its latest heartbeat. */
    void record(int brokerId, List<ReplicaLogEnd> logEnds, long nowMs) {
        Map<PartitionId, Report> previous = byBroker.getOrDefault(brokerId, Map.of());
        Map<PartitionId, Report> reports = new HashMap<>();
        for (ReplicaLogEnd end : logEnds) {
            PartitionId id = new PartitionId(end.topicId(), end.partition());
            Report before = previous.get(id);
            reports.put(id, new Report(end, before == null ? nowMs : before.sinceMs()));
        }
        if (reports.isEmpty()) {
            byBroker.remove(brokerId);
        } else {
            byBroker.put(brokerId, reports);
        }
    }

    /** Forgets every report, e.g. when this controller stops being active. */
    void clear() {
        byBroker.clear();
    }

    boolean isEmpty() {
        return byBroker.isEmpty();
    }

    boolean hasReportsFrom(int brokerId) {
        return byBroker.containsKey(brokerId);
    }

    Optional<ReplicaLogEnd> reported(int brokerId, UUID topicId, int partition) {
        return report(brokerId, new PartitionId(topicId, partition)).map(Report::end);
    }

    /**
     * When the first of {@code brokers} that still reports the partition began to, or empty when none does. Only the
     * partition's candidates start its wait: a report from a replica that may not lead (outside the last ISR, or
     * emptied) must not shorten the wait for the ones that may.
     */
    Optional<Long> firstReportMs(UUID topicId, int partition, Collection<Integer> brokers) {
        PartitionId id = new PartitionId(topicId, partition);
        return brokers.stream().flatMap(broker -> report(broker, id).stream()).map(Report::sinceMs)
                .min(Long::compare);
    }

    private Optional<Report> report(int brokerId, PartitionId id) {
        return Optional.ofNullable(byBroker.getOrDefault(brokerId, Map.of()).get(id));
    }
}
