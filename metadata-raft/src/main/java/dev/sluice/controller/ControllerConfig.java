package dev.sluice.controller;

/**
 * Controller settings. Units in the names.
 *
 * @param defaultPartitions         partitions of a topic created with 0 partitions ({@code num.partitions})
 * @param defaultReplicationFactor  replication factor of a topic created with 0 ({@code default.replication.factor})
 * @param sessionTimeoutMs          a broker whose last heartbeat is older than this is fenced
 * @param tickIntervalMs            how often the active controller checks for expired sessions
 * @param maxPartitionsPerTopic     a request for more is refused with {@code INVALID_PARTITIONS}
 * @param maxProducerIdBlock        the largest block of producer ids handed out at once
 * @param autoLeaderRebalanceEnable move leadership back to each partition's first replica when it is eligible
 *                                  ({@code auto.leader.rebalance.enable})
 * @param leaderRebalanceIntervalMs how often the active controller looks for such partitions
 * @param topicConfigDefaults       topic configs written into every topic created without them (the cluster's
 *                                  defaults, e.g. {@code durable.acks} from {@code log.durable.acks}); valid topic
 *                                  configs only
 */
public record ControllerConfig(int defaultPartitions, int defaultReplicationFactor, long sessionTimeoutMs,
        long tickIntervalMs, int maxPartitionsPerTopic, int maxProducerIdBlock, boolean autoLeaderRebalanceEnable,
        long leaderRebalanceIntervalMs, java.util.Map<String, String> topicConfigDefaults) {
    public static final ControllerConfig DEFAULT = new ControllerConfig(1, 1, 6000, 500, 100_000, 1_000_000, true,
            5000, java.util.Map.of());

    /** Without topic config defaults. */
    public ControllerConfig(int defaultPartitions, int defaultReplicationFactor, long sessionTimeoutMs,
            long tickIntervalMs, int maxPartitionsPerTopic, int maxProducerIdBlock, boolean autoLeaderRebalanceEnable,
            long leaderRebalanceIntervalMs) {
        this(defaultPartitions, defaultReplicationFactor, sessionTimeoutMs, tickIntervalMs, maxPartitionsPerTopic,
                maxProducerIdBlock, autoLeaderRebalanceEnable, leaderRebalanceIntervalMs, java.util.Map.of());
    }

    public ControllerConfig {
        if (defaultPartitions < 1 || defaultReplicationFactor < 1 || sessionTimeoutMs < 1 || tickIntervalMs < 1
                || maxPartitionsPerTopic < 1 || maxProducerIdBlock < 1 || leaderRebalanceIntervalMs < 1) {
            throw new IllegalArgumentException("controller settings must be positive: defaultPartitions="
                    + defaultPartitions + ", defaultReplicationFactor=" + defaultReplicationFactor
                    + ", sessionTimeoutMs=" + sessionTimeoutMs + ", tickIntervalMs=" + tickIntervalMs
                    + ", maxPartitionsPerTopic=" + maxPartitionsPerTopic + ", maxProducerIdBlock="
                    + maxProducerIdBlock + ", leaderRebalanceIntervalMs=" + leaderRebalanceIntervalMs);
        }
        topicConfigDefaults = java.util.Map.copyOf(topicConfigDefaults);
        dev.sluice.metadata.TopicConfigs.validate(topicConfigDefaults).ifPresent(error -> {
            throw new IllegalArgumentException("bad topic config default: " + error);
        });
    }

    public ControllerConfig withTopicConfigDefaults(java.util.Map<String, String> defaults) {
        return new ControllerConfig(defaultPartitions, defaultReplicationFactor, sessionTimeoutMs, tickIntervalMs,
                maxPartitionsPerTopic, maxProducerIdBlock, autoLeaderRebalanceEnable, leaderRebalanceIntervalMs,
                defaults);
    }

    public ControllerConfig withSessionTimeoutMs(long newSessionTimeoutMs) {
        return new ControllerConfig(defaultPartitions, defaultReplicationFactor, newSessionTimeoutMs, tickIntervalMs,
                maxPartitionsPerTopic, maxProducerIdBlock, autoLeaderRebalanceEnable, leaderRebalanceIntervalMs,
                topicConfigDefaults);
    }

    public ControllerConfig withDefaults(int newDefaultPartitions, int newDefaultReplicationFactor) {
        return new ControllerConfig(newDefaultPartitions, newDefaultReplicationFactor, sessionTimeoutMs,
                tickIntervalMs, maxPartitionsPerTopic, maxProducerIdBlock, autoLeaderRebalanceEnable,
                leaderRebalanceIntervalMs, topicConfigDefaults);
    }

    public ControllerConfig withAutoLeaderRebalanceEnable(boolean enable) {
        return new ControllerConfig(defaultPartitions, defaultReplicationFactor, sessionTimeoutMs, tickIntervalMs,
                maxPartitionsPerTopic, maxProducerIdBlock, enable, leaderRebalanceIntervalMs, topicConfigDefaults);
    }
}
