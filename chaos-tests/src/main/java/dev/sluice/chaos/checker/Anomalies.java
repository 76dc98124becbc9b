package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a checker's anomalies, keeping at most {@code limitPerKind} of each kind so that a run that loses a
 * million records still gives a readable report. Every anomaly is counted; for each kind over the limit one summary
 * anomaly of the same kind says how many were left out. Single-threaded, like the checkers that use it.
 */
final class Anomalies {
    static final int DEFAULT_LIMIT_PER_KIND = 50;

    private final int limitPerKind;
    private final List<Verdict.Anomaly> kept = new ArrayList<>();
    private final Map<String, Long> countByKind = new LinkedHashMap<>();

    Anomalies() {
        this(DEFAULT_LIMIT_PER_KIND);
    }

    Anomalies(int limitPerKind) {
        this.limitPerKind = limitPerKind;
    }

    void add(String kind, String message, List<Op> ops) {
        long count = countByKind.merge(kind, 1L, Long::sum);
        if (count <= limitPerKind) {
            kept.add(new Verdict.Anomaly(kind, message, List.copyOf(ops)));
        }
    }

    long count(String kind) {
        return countByKind.getOrDefault(kind, 0L);
    }

    /** The kept anomalies in the order found, then one summary per kind that went over the limit. */
    List<Verdict.Anomaly> list() {
        List<Verdict.Anomaly> all = new ArrayList<>(kept);
        countByKind.forEach((kind, count) -> {
            if (count > limitPerKind) {
                all.add(new Verdict.Anomaly(kind, (count - limitPerKind) + " more '" + kind
                        + "' anomalies not listed (" + count + " in all)", List.of()));
            }
        });
        return all;
    }
}
