package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.Checker;
import dev.sluice.chaos.checker.Verdict;
import dev.sluice.chaos.history.Op;
import java.util.List;
import java.util.Map;

/**
 * Maps a workload to the checker that judges its history: append → {@code AppendChecker}, groups →
 * {@code GroupChecker}, metadata → {@code MetadataChecker} (all in {@code dev.sluice.chaos.checker}). A checker class
 * that is not on the class path yields a checker whose verdict is invalid ("no-checker"), so a run never passes
 * unchecked.
 */
public final class CheckerRegistry {
    private static final Map<String, String> CLASSES = Map.of(
            "append", "dev.sluice.chaos.checker.AppendChecker",
            "groups", "dev.sluice.chaos.checker.GroupChecker",
            "metadata", "dev.sluice.chaos.checker.MetadataChecker");

    private CheckerRegistry() {
    }

    public static Checker forWorkload(String workload) {
        String className = CLASSES.get(workload);
        if (className == null) {
            throw new IllegalArgumentException("unknown workload '" + workload + "'; known: " + CLASSES.keySet());
        }
        try {
            return (Checker) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return new Missing(workload, className);
        }
    }

    /** Stands in for a checker that is not built in this tree. */
    private record Missing(String name, String className) implements Checker {
        @Override
        public Verdict check(List<Op> history) {
            return Verdict.of(name, List.of(new Verdict.Anomaly("no-checker", className + " is not on the class path",
                    List.of())), Map.of("ops", (long) history.size()));
        }
    }
}
