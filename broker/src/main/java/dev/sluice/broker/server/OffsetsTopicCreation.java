package dev.sluice.broker.server;

import java.util.concurrent.TimeUnit;

/**
 * When a broker may create {@code __consumer_offsets}, and with which replication factor: the configured
 * {@code offsets.topic.replication.factor}, capped by the brokers able to host its replicas, and only once that many
 * brokers are unfenced.
 *
 * <p>Which brokers count depends on the cluster's shape. On a combined node (this broker is also a controller) every
 * voter is a broker, so the quorum's size tells how many brokers the cluster will have before they register: three
 * combined nodes wait for all three instead of creating the topic with the first. On a broker-only node the voters
 * say nothing (three controller-only nodes host no replica; capping by them kept a two-broker cluster from ever
 * creating the topic, so its brokers were never ready), so only the brokers registered so far count. Kafka instead
 * refuses until {@code offsets.topic.replication.factor} brokers exist; capping lets a cluster with fewer brokers work,
 * and the broker that creates the topic logs the smaller factor. Since brokers started together register a moment
 * apart, a factor below the configured one is used only after the registered count has stayed the same for
 * {@code settleMs}, so the first broker to register does not create the topic with a factor of 1.
 *
 * <p>Owned by the broker lifecycle's thread; not thread-safe. Times are {@link System#nanoTime()}-style nanoseconds
 * from an injected clock.
 */
final class OffsetsTopicCreation {
    /** What to do now: create with {@code replicationFactor}, or wait ({@code waitingFor} says for what). */
    record Decision(int replicationFactor, String waitingFor) {
        boolean create() {
            return waitingFor == null;
        }

        /** True when the topic is created with fewer replicas than {@code offsets.topic.replication.factor}. */
        boolean belowConfigured(int configured) {
            return replicationFactor < configured;
        }
    }

    private final int configured;
    private final int quorumVoters;
    private final boolean votersAreBrokers;
    private final long settleNanos;
    private int lastRegisteredBrokers = -1;
    private long registeredSinceNanos;

    /**
     * @param configured {@code offsets.topic.replication.factor}
     * @param quorumVoters the size of the controller quorum
     * @param votersAreBrokers true on a combined node, where every voter is also a broker
     * @param settleMs how long the registered broker count must stay the same before a factor below
     *     {@code configured} is used
     */
    OffsetsTopicCreation(int configured, int quorumVoters, boolean votersAreBrokers, long settleMs) {
        this.configured = configured;
        this.quorumVoters = quorumVoters;
        this.votersAreBrokers = votersAreBrokers;
        this.settleNanos = TimeUnit.MILLISECONDS.toNanos(settleMs);
    }

    /** The replication factor for the brokers the cluster can be expected to have (see the class comment). */
    int replicationFactor(int registeredBrokers) {
        int hosts = votersAreBrokers ? Math.max(quorumVoters, registeredBrokers) : registeredBrokers;
        return Math.max(1, Math.min(configured, hosts));
    }

    /** Whether to create the topic now, given the brokers registered and unfenced in the current image. */
    Decision decide(int registeredBrokers, int unfencedBrokers, long nowNanos) {
        if (registeredBrokers != lastRegisteredBrokers) {
            lastRegisteredBrokers = registeredBrokers;
            registeredSinceNanos = nowNanos;
        }
        int replicationFactor = replicationFactor(registeredBrokers);
        if (unfencedBrokers < replicationFactor) {
            return new Decision(replicationFactor, "waiting for " + replicationFactor + " unfenced brokers (have "
                    + unfencedBrokers + ")");
        }
        long settledNanos = nowNanos - registeredSinceNanos;
        if (replicationFactor < configured && !votersAreBrokers && settledNanos < settleNanos) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(settleNanos - settledNanos);
            return new Decision(replicationFactor, "waiting " + leftMs + " ms more for further brokers to register "
                    + "before using replication factor " + replicationFactor + " (" + registeredBrokers
                    + " registered, " + NodeConfig.OFFSETS_TOPIC_REPLICATION_FACTOR + "=" + configured + ")");
        }
        return new Decision(replicationFactor, null);
    }
}
