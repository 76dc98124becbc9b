package dev.sluice.chaos.runner;

import dev.sluice.chaos.cluster.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One chaos run's settings: the seed (drives the schedule, targets and workload keys), topology, nemeses (names, or
 * {@code all}), workloads, how long the load phase lasts, the fault/quiet rhythm, and where the report goes
 * ({@code reportRoot/<timestamp>-seed<seed>/}).
 */
public record RunConfig(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
        Duration faultMin, Duration faultMax, Duration quiet, Path repositoryRoot, Path reportRoot) {
    public RunConfig {
        workloads = List.copyOf(workloads);
    }

    public static final List<String> ALL_WORKLOADS = List.of("append", "groups", "metadata");

    /** Defaults: 10-20 s faults, 10 s quiet. */
    public static RunConfig of(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
            Path repositoryRoot, Path reportRoot) {
        return new RunConfig(seed, topology, nemeses, workloads, load, Duration.ofSeconds(10), Duration.ofSeconds(20),
                Duration.ofSeconds(10), repositoryRoot, reportRoot);
    }
}
