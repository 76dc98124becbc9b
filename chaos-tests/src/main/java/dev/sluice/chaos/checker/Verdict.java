package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.List;
import java.util.Map;

/**
 * A checker's answer: {@code valid} is false when at least one anomaly was found. Each anomaly names its kind
 * ({@code lost}, {@code duplicate}, {@code reordered}, {@code not-linearizable}, ...), says what is wrong in one
 * sentence, and lists the operations that show it. {@code stats} carries counts for the report (acknowledged,
 * read, unknown, ...); {@code notes} are measurements in sentences that are not anomalies (e.g. how many acknowledged
 * records a power loss took where the configuration did not promise they would survive).
 */
public record Verdict(String checker, boolean valid, List<Anomaly> anomalies, Map<String, Long> stats,
        List<String> notes) {
    public record Anomaly(String kind, String message, List<Op> ops) {
    }

    public Verdict {
        anomalies = List.copyOf(anomalies);
        stats = Map.copyOf(stats);
        notes = List.copyOf(notes);
    }

    public static Verdict of(String checker, List<Anomaly> anomalies, Map<String, Long> stats) {
        return of(checker, anomalies, stats, List.of());
    }

    public static Verdict of(String checker, List<Anomaly> anomalies, Map<String, Long> stats, List<String> notes) {
        return new Verdict(checker, anomalies.isEmpty(), anomalies, stats, notes);
    }
}
