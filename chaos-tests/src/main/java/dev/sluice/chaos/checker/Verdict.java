package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.List;
import java.util.Map;

/**
 * A checker's answer: {@code valid} is false when at least one anomaly was found. Each anomaly names its kind
 * ({@code lost}, {@code duplicate}, {@code reordered}, {@code not-linearizable}, ...), says what is wrong in one
 * sentence, and lists the operations that show it. {@code stats} carries counts for the report (acknowledged,
 * read, unknown, ...).
 */
public record Verdict(String checker, boolean valid, List<Anomaly> anomalies, Map<String, Long> stats) {
    public record Anomaly(String kind, String message, List<Op> ops) {
    }

    public static Verdict of(String checker, List<Anomaly> anomalies, Map<String, Long> stats) {
        return new Verdict(checker, anomalies.isEmpty(), List.copyOf(anomalies), Map.copyOf(stats));
    }
}
