package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.DurabilityPromise;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.chaos.cluster.Topology;
import dev.sluice.chaos.security.SecurityMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chaos run's settings: the seed (drives the schedule, targets and workload keys), topology, nemeses (names, or
 * {@code all}), workloads, how long the load phase lasts, the fault/quiet rhythm, where the report goes
 * ({@code reportRoot/<timestamp>-seed<seed>/}) and the append topic's configuration overrides (on top of
 * {@link #DEFAULT_APPEND_TOPIC_CONFIG}; they also decide what the checkers expect after a power loss), and how the
 * cluster is secured ({@link SecurityMode}).
 */
public record RunConfig(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
        Duration faultMin, Duration faultMax, Duration quiet, Path repositoryRoot, Path reportRoot,
        Map<String, String> appendTopicOverrides, SecurityMode security) {
    public static final List<String> ALL_WORKLOADS = List.of("append", "groups", "metadata");
    /** What the append topic gets unless overridden: acks=all needs two in-sync replicas. */
    public static final Map<String, String> DEFAULT_APPEND_TOPIC_CONFIG = Map.of("min.insync.replicas", "2");

    /** Every workload a run can take; {@link #ALL_WORKLOADS} is what {@code all} means. */
    public static final List<String> KNOWN_WORKLOADS = List.of("append", "kafka-append", "groups", "metadata");

    public RunConfig {
        workloads = List.copyOf(workloads);
        for (String workload : workloads) {
            if (!KNOWN_WORKLOADS.contains(workload)) {
                throw new IllegalArgumentException("unknown workload '" + workload + "'; known: " + KNOWN_WORKLOADS);
            }
        }
        if (workloads.contains("append") && workloads.contains("kafka-append")) {
            // Both write the one append topic and each reads it back at the end: pick the client, not both.
            throw new IllegalArgumentException("workloads append and kafka-append both write and read back the "
                    + "append topic; run one of them (append: Sluice's client, kafka-append: Kafka's Java client)");
        }
        appendTopicOverrides = Map.copyOf(appendTopicOverrides);
        java.util.Objects.requireNonNull(security, "security");
    }

    /** Plaintext. */
    public RunConfig(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
            Duration faultMin, Duration faultMax, Duration quiet, Path repositoryRoot, Path reportRoot,
            Map<String, String> appendTopicOverrides) {
        this(seed, topology, nemeses, workloads, load, faultMin, faultMax, quiet, repositoryRoot, reportRoot,
                appendTopicOverrides, SecurityMode.PLAINTEXT);
    }

    /** No topic overrides, plaintext. */
    public RunConfig(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
            Duration faultMin, Duration faultMax, Duration quiet, Path repositoryRoot, Path reportRoot) {
        this(seed, topology, nemeses, workloads, load, faultMin, faultMax, quiet, repositoryRoot, reportRoot,
                Map.of());
    }

    /** Defaults: 10-20 s faults, 10 s quiet. */
    public static RunConfig of(long seed, Topology topology, String nemeses, List<String> workloads, Duration load,
            Path repositoryRoot, Path reportRoot, Map<String, String> appendTopicOverrides) {
        return new RunConfig(seed, topology, nemeses, workloads, load, Duration.ofSeconds(10), Duration.ofSeconds(20),
                Duration.ofSeconds(10), repositoryRoot, reportRoot, appendTopicOverrides);
    }

    /** This configuration with the cluster secured as {@code mode} says. */
    public RunConfig withSecurity(SecurityMode mode) {
        return new RunConfig(seed, topology, nemeses, workloads, load, faultMin, faultMax, quiet, repositoryRoot,
                reportRoot, appendTopicOverrides, mode);
    }

    /**
     * Settings every node starts with beyond the run's fixed ones. When the append topic promises durability, the
     * nodes default {@code log.durable.acks=true}, so {@code __consumer_offsets} (created by the brokers, with the
     * nodes' defaults) keeps the same promise: the groups checker holds committed offsets to it.
     */
    public Map<String, String> nodeSettings() {
        return DurabilityPromise.of(appendTopicConfig()).promised() ? Map.of(NodeConfig.LOG_DURABLE_ACKS, "true")
                : Map.of();
    }

    /** The append topic's configuration as created: the defaults, then the overrides. */
    public Map<String, String> appendTopicConfig() {
        Map<String, String> config = new LinkedHashMap<>(DEFAULT_APPEND_TOPIC_CONFIG);
        config.putAll(appendTopicOverrides);
        return config;
    }
}
