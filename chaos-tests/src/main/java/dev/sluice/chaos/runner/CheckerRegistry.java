package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.AppendChecker;
import dev.sluice.chaos.checker.Checker;
import dev.sluice.chaos.checker.DurabilityPromise;
import dev.sluice.chaos.checker.GroupChecker;
import dev.sluice.chaos.checker.MetadataChecker;
import dev.sluice.chaos.checker.PowerLosses;

/**
 * Maps a workload to the checker that judges its history: append and kafka-append → {@link AppendChecker}, groups →
 * {@link GroupChecker}, metadata → {@link MetadataChecker}. The first two weigh lost records against what the append
 * topic's configuration promised and the run's power-loss faults; the metadata log is always synced, so a power loss
 * excuses nothing there.
 */
public final class CheckerRegistry {
    private CheckerRegistry() {
    }

    public static Checker forWorkload(String workload, DurabilityPromise promise, PowerLosses powerLosses) {
        return switch (workload) {
            case "append", "kafka-append" -> new AppendChecker(promise, powerLosses);
            case "groups" -> new GroupChecker(promise, powerLosses);
            case "metadata" -> new MetadataChecker();
            default -> throw new IllegalArgumentException("unknown workload '" + workload + "'; known: "
                    + RunConfig.KNOWN_WORKLOADS);
        };
    }
}
