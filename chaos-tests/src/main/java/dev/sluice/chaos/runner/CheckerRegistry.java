package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.AppendChecker;
import dev.sluice.chaos.checker.Checker;
import dev.sluice.chaos.checker.GroupChecker;
import dev.sluice.chaos.checker.MetadataChecker;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Maps a workload to the checker that judges its history: append → {@link AppendChecker}, groups →
 * {@link GroupChecker}, metadata → {@link MetadataChecker}.
 */
public final class CheckerRegistry {
    private static final Map<String, Supplier<Checker>> CHECKERS = Map.of(
            "append", AppendChecker::new,
            "groups", GroupChecker::new,
            "metadata", MetadataChecker::new);

    private CheckerRegistry() {
    }

    public static Checker forWorkload(String workload) {
        Supplier<Checker> checker = CHECKERS.get(workload);
        if (checker == null) {
            throw new IllegalArgumentException("unknown workload '" + workload + "'; known: " + CHECKERS.keySet());
        }
        return checker.get();
    }
}
