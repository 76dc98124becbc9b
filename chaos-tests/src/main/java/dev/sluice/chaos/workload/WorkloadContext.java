package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.HistoryWriter;
import dev.sluice.client.Admin;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What workloads share: the history, the cluster's bootstrap lists (gRPC ports, and the brokers' Kafka listeners),
 * a seeded random (workloads split their own generators off it) and the append topic the append and groups
 * workloads use.
 */
public record WorkloadContext(HistoryWriter history, String bootstrapServers, String kafkaBootstrapServers,
        RandomGenerator random, String appendTopic, int appendPartitions) {
    public Admin admin(int apiTimeoutMs) {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers, "request.timeout.ms",
                Math.min(10_000, apiTimeoutMs), "default.api.timeout.ms", apiTimeoutMs));
    }

    /** A generator for one client thread, derived from the run's seed so the run replays. */
    public synchronized RandomGenerator split() {
        return new java.util.SplittableRandom(random.nextLong());
    }
}
