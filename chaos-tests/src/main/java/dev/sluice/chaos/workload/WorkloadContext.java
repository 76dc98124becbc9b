package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.HistoryWriter;
import dev.sluice.client.Admin;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.random.RandomGenerator;

/**
 * What workloads share: the history, the cluster's bootstrap lists (gRPC ports, and the brokers' Kafka listeners),
 * how clients reach the cluster ({@link ClientSecurity}: plaintext, or TLS and SCRAM as a workload principal), a
 * seeded random (workloads split their own generators off it) and the append topic the append and groups workloads
 * use.
 */
public record WorkloadContext(HistoryWriter history, String bootstrapServers, String kafkaBootstrapServers,
        ClientSecurity security, RandomGenerator random, String appendTopic, int appendPartitions) {
    /** An admin client acting as {@code user}. */
    public Admin admin(String user, int apiTimeoutMs) {
        return Admin.create(sluiceConfig(user, Map.of("bootstrap.servers", bootstrapServers, "request.timeout.ms",
                Math.min(10_000, apiTimeoutMs), "default.api.timeout.ms", apiTimeoutMs)));
    }

    /** {@code settings} for Sluice's client, plus what acting as {@code user} takes (TLS, SCRAM). */
    public Map<String, Object> sluiceConfig(String user, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.putAll(security.sluiceClient(user));
        return config;
    }

    /** {@code settings} for Kafka's Java client, plus what acting as {@code user} takes. */
    public Properties kafkaConfig(String user, Map<String, Object> settings) {
        Properties config = new Properties();
        config.putAll(settings);
        config.putAll(security.kafkaClient(user));
        return config;
    }

    /** A generator for one client thread, derived from the run's seed so the run replays. */
    public synchronized RandomGenerator split() {
        return new java.util.SplittableRandom(random.nextLong());
    }
}
