package dev.sluice.client.internal;

import dev.sluice.client.PartitionInfo;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TimeoutException;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.MetadataResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's metadata cache: the current {@link Cluster} snapshot for the topics the client uses,
 * refreshed when it is older than {@code metadata.max.age.ms}, when someone reports stale leaders
 * ({@link #requestUpdate()}), or on demand. Readers take the volatile snapshot without locking;
 * refreshes are serialized. Times are epoch milliseconds from the injected {@link Time}.
 */
public final class Metadata {
    private final List<String> bootstrapServers;
    private final ChannelPool channels;
    private final Time time;
    private final long maxAgeMs;
    private final long retryBackoffMs;
    private final int requestTimeoutMs;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile Cluster cluster = Cluster.EMPTY;
    private volatile boolean updateRequested;
    private long lastAttemptMs;
    private int nextServer;

    public Metadata(List<String> bootstrapServers, ChannelPool channels, Time time, long maxAgeMs,
                    long retryBackoffMs, int requestTimeoutMs) {
        this.bootstrapServers = List.copyOf(bootstrapServers);
        this.channels = channels;
        this.time = time;
        this.maxAgeMs = maxAgeMs;
        this.retryBackoffMs = retryBackoffMs;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /** The latest snapshot; never null. */
    public Cluster cluster() {
        return cluster;
    }

    /** Marks the snapshot stale so the next {@link #maybeUpdate()} refreshes it. */
    public void requestUpdate() {
        updateRequested = true;
    }

    /** Adds topics the client wants metadata for. */
    public void addTopics(Collection<String> names) {
        if (topics.addAll(names)) {
            updateRequested = true;
        }
    }

    /** Replaces the topics the client wants metadata for. */
    public void setTopics(Collection<String> names) {
        topics.retainAll(names);
        addTopics(names);
    }

    /** Whether a refresh is due (requested or too old) and not held back by the retry backoff. */
    public boolean updateDue(long nowMs) {
        boolean wanted = updateRequested || nowMs - cluster.updatedMs() >= maxAgeMs;
        return wanted && !topics.isEmpty() && nowMs - lastAttemptMs >= retryBackoffMs;
    }

    /**
     * Refreshes when due; a failure is swallowed (the caller retries later) and returned.
     *
     * @return null on success or when nothing was due, else the failure
     */
    public SluiceException maybeUpdate() {
        if (!updateDue(time.milliseconds())) {
            return null;
        }
        try {
            update(topics);
            return null;
        } catch (SluiceException e) {
            return e;
        }
    }

    /**
     * Fetches metadata for {@code names} (added to the tracked topics) from one reachable broker, trying
     * each known address once.
     *
     * @throws SluiceException the last transport failure when no broker answered
     */
    public synchronized Cluster update(Collection<String> names) {
        topics.addAll(names);
        lastAttemptMs = time.milliseconds();
        MetadataRequest request = MetadataRequest.newBuilder().addAllTopics(names).build();
        List<String> candidates = candidates();
        SluiceException last = null;
        for (int i = 0; i < candidates.size(); i++) {
            String address = candidates.get((nextServer + i) % candidates.size());
            try {
                MetadataResponse response = BrokerGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                        .metadata(request);
                updateRequested = false;
                cluster = cluster.merge(response, time.milliseconds());
                return cluster;
            } catch (RuntimeException e) {
                last = Errors.fromTransport(address, e);
                nextServer = (nextServer + i + 1) % candidates.size();
            }
        }
        throw last;
    }

    /**
     * The partitions of {@code topic}, refreshing metadata (with backoff) until they are known or
     * {@code maxWaitMs} passes. Unknown topics and unreachable brokers are retried within the wait.
     *
     * @throws SluiceException the broker's error for the topic, or the transport failure, once the wait is over
     */
    public List<PartitionInfo> awaitPartitions(String topic, long maxWaitMs) {
        return awaitPartitions(topic, maxWaitMs, maxWaitMs);
    }

    /**
     * Same, but gives up on a topic the brokers report as unknown after {@code unknownTopicWaitMs} (a topic
     * is unknown only briefly after its creation, so a longer wait mostly delays the error).
     */
    public List<PartitionInfo> awaitPartitions(String topic, long maxWaitMs, long unknownTopicWaitMs) {
        long start = time.milliseconds();
        long deadline = start + maxWaitMs;
        List<PartitionInfo> partitions = cluster.partitions(topic);
        if (partitions != null && topics.contains(topic)) {
            return partitions;
        }
        while (true) {
            SluiceException failure;
            try {
                Cluster fresh = update(List.of(topic));
                partitions = fresh.partitions(topic);
                if (partitions != null) {
                    return partitions;
                }
                Cluster.TopicState state = fresh.topics().get(topic);
                failure = state == null ? Errors.toException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic " + topic + " does not exist")
                        : Errors.toException(state.error() == ErrorCode.NONE ? ErrorCode.LEADER_NOT_AVAILABLE
                        : state.error(), describeTopicError(topic, state));
            } catch (SluiceException e) {
                failure = e;
            }
            long remaining = deadline - time.milliseconds();
            if (failure instanceof dev.sluice.client.UnknownTopicException) {
                remaining = Math.min(remaining, start + unknownTopicWaitMs - time.milliseconds());
            }
            if (!(failure instanceof dev.sluice.client.RetriableException) || remaining <= 0) {
                throw failure;
            }
            sleep(Math.min(retryBackoffMs, remaining));
        }
    }

    private static String describeTopicError(String topic, Cluster.TopicState state) {
        if (state.error() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
            return "topic " + topic + " does not exist";
        }
        if (state.error() == ErrorCode.NONE) {
            return "topic " + topic + " has no partitions with a leader yet";
        }
        return state.message().isEmpty() ? "topic " + topic + ": " + Errors.describe(state.error())
                : state.message();
    }

    private List<String> candidates() {
        Set<String> all = new LinkedHashSet<>(cluster.brokers().values());
        all.addAll(bootstrapServers);
        return new ArrayList<>(all);
    }

    /** Any broker address, for requests that any broker can answer. */
    public List<String> brokerAddresses() {
        return candidates();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(ms, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while waiting for metadata", e);
        }
    }
}
