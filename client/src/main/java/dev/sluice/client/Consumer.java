package dev.sluice.client;

import dev.sluice.client.internal.ChannelPool;
import dev.sluice.client.internal.ConfigReader;
import dev.sluice.client.internal.ConsumerSettings;
import dev.sluice.client.internal.Fetcher;
import dev.sluice.client.internal.GroupClient;
import dev.sluice.client.internal.Metadata;
import dev.sluice.client.internal.OffsetLookup;
import dev.sluice.client.internal.SubscriptionState;
import dev.sluice.client.internal.SubscriptionState.ResetStrategy;
import dev.sluice.client.internal.Time;
import dev.sluice.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records from Sluice topics with Kafka's polling model. Not thread-safe: one thread polls;
 * only {@link #wakeup()} may be called from another thread.
 *
 * <p><b>Interim group semantics:</b> group rebalancing does not exist yet, so {@link #subscribe}
 * assigns <em>every</em> partition of the subscribed topics to this consumer (two consumers of one group
 * both read everything) and picks up new partitions when metadata is refreshed
 * ({@code metadata.max.age.ms}). With a {@code group.id} the starting position is the group's committed
 * offset, else {@code auto.offset.reset}; commits go to the group coordinator, automatically every
 * {@code auto.commit.interval.ms} inside {@link #poll} and on {@link #close()} when
 * {@code enable.auto.commit} is on.
 *
 * <p>Fetching is pipelined: one long-poll fetch per broker stays in flight while the application
 * processes what the last poll returned.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Consumer<K, V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    /** How long {@link #partitionsFor} waits for a topic reported unknown (it may have just been created). */
    private static final long UNKNOWN_TOPIC_WAIT_MS = 1000;

    private final ConsumerSettings settings;
    private final Time time;
    private final ChannelPool channels = new ChannelPool();
    private final Metadata metadata;
    private final SubscriptionState subscriptions = new SubscriptionState();
    private final Fetcher<K, V> fetcher;
    private final OffsetLookup offsetLookup;
    private final GroupClient group;
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private long nextAutoCommitMs;
    private boolean closed;

    /**
     * @param config Kafka-style settings; see {@link ConsumerConfig}
     * @throws IllegalArgumentException on a missing or invalid setting
     */
    public Consumer(Map<String, Object> config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(ConsumerSettings.from(config), keyDeserializer, valueDeserializer, Time.SYSTEM);
    }

    /** Same, from {@link Properties}. */
    public Consumer(Properties config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(ConfigReader.toMap(config), keyDeserializer, valueDeserializer);
    }

    Consumer(ConsumerSettings settings, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
             Time time) {
        this.settings = settings;
        this.time = time;
        this.metadata = new Metadata(settings.bootstrapServers(), channels, time, settings.metadataMaxAgeMs(),
                settings.retryBackoffMs(), settings.requestTimeoutMs());
        this.fetcher = new Fetcher<>(settings, metadata, channels, subscriptions, time,
                Objects.requireNonNull(keyDeserializer, "keyDeserializer"),
                Objects.requireNonNull(valueDeserializer, "valueDeserializer"));
        this.offsetLookup = new OffsetLookup(metadata, channels, time, settings.requestTimeoutMs(),
                settings.retryBackoffMs());
        this.group = settings.groupId() == null ? null : new GroupClient(settings.groupId(), metadata, channels, time,
                settings.requestTimeoutMs(), settings.retryBackoffMs());
        this.nextAutoCommitMs = time.milliseconds() + settings.autoCommitIntervalMs();
    }

    /**
     * Reads every partition of {@code topics} (interim: no group rebalancing yet, see the class comment).
     * Replaces any previous subscription or assignment.
     */
    public void subscribe(Collection<String> topics) {
        ensureOpen();
        for (String topic : topics) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be empty");
            }
        }
        subscriptions.subscribe(topics);
        metadata.setTopics(topics);
        fetcher.retainAssigned();
    }

    /** Reads exactly these partitions, replacing any subscription. */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        subscriptions.assign(partitions);
        metadata.setTopics(partitions.stream().map(TopicPartition::topic).distinct().toList());
        fetcher.retainAssigned();
    }

    /** Drops the subscription and the assignment. */
    public void unsubscribe() {
        ensureOpen();
        maybeCommitOnRevoke();
        subscriptions.unsubscribe();
        fetcher.retainAssigned();
    }

    /** The partitions this consumer reads now. */
    public Set<TopicPartition> assignment() {
        return subscriptions.assignment();
    }

    /** The subscribed topics (empty with a manual assignment). */
    public Set<String> subscription() {
        return subscriptions.subscription();
    }

    /**
     * Returns the records fetched since the last call (at most {@code max.poll.records}), waiting up to
     * {@code timeout} for some to arrive. Returns an empty result on timeout.
     *
     * @throws OffsetOutOfRangeException a position is out of range or missing with {@code auto.offset.reset=none}
     * @throws WakeupException after {@link #wakeup()}
     * @throws IllegalStateException when neither subscribed nor assigned
     */
    public ConsumerRecords<K, V> poll(Duration timeout) {
        ensureOpen();
        if (!subscriptions.isSubscribed() && subscriptions.assignment().isEmpty()) {
            throw new IllegalStateException("consumer is not subscribed to any topic or assigned any partition");
        }
        long deadlineMs = time.milliseconds() + Math.max(0, timeout.toMillis());
        maybeAutoCommit();
        while (true) {
            checkWakeup();
            refreshMetadata();
            boolean positionsReady = tryResolvePositions();
            fetcher.processCompleted();
            fetcher.throwPendingError();
            ConsumerRecords<K, V> records = fetcher.collect();
            fetcher.sendFetches();
            if (!records.isEmpty()) {
                return records;
            }
            long remainingMs = deadlineMs - time.milliseconds();
            if (remainingMs <= 0) {
                return records;
            }
            long waitMs = positionsReady && fetcher.hasInFlight() ? remainingMs
                    : Math.min(remainingMs, Math.max(settings.retryBackoffMs(), 1));
            awaitFetches(waitMs);
        }
    }

    private void awaitFetches(long waitMs) {
        try {
            fetcher.awaitCompleted(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    private void checkWakeup() {
        if (wakeupRequested.getAndSet(false)) {
            throw new WakeupException();
        }
    }

    private void refreshMetadata() {
        SluiceException failure = metadata.maybeUpdate();
        if (failure != null) {
            LOG.debug("metadata refresh failed: {}", failure.getMessage());
        }
        if (subscriptions.updateFromMetadata(metadata.cluster())) {
            fetcher.retainAssigned();
        }
    }

    /** Looks up missing positions; retriable failures are retried on the next round. */
    private boolean tryResolvePositions() {
        try {
            resolvePositions(settings.requestTimeoutMs());
            return true;
        } catch (RetriableException e) {
            LOG.debug("cannot resolve positions yet: {}", e.getMessage());
            return false;
        }
    }

    private void resolvePositions(long timeoutMs) {
        List<TopicPartition> missing = subscriptions.missingPositions();
        if (missing.isEmpty()) {
            return;
        }
        if (group != null) {
            List<TopicPartition> useCommitted = missing.stream()
                    .filter(tp -> subscriptions.pendingReset(tp) == null).toList();
            if (!useCommitted.isEmpty()) {
                group.fetchOffsets(useCommitted, timeoutMs)
                        .forEach((tp, offset) -> subscriptions.seek(tp, offset.offset()));
            }
        }
        Map<TopicPartition, Long> specs = new LinkedHashMap<>();
        for (TopicPartition tp : subscriptions.missingPositions()) {
            ResetStrategy strategy = subscriptions.pendingReset(tp);
            if (strategy == null) {
                strategy = ResetStrategy.valueOf(settings.autoOffsetReset().toUpperCase(java.util.Locale.ROOT));
            }
            if (strategy == ResetStrategy.NONE) {
                throw new OffsetOutOfRangeException("no position for " + tp
                        + (group == null ? "" : " and no committed offset") + ", and auto.offset.reset is none");
            }
            specs.put(tp, strategy == ResetStrategy.EARLIEST ? OffsetLookup.EARLIEST : OffsetLookup.LATEST);
        }
        if (!specs.isEmpty()) {
            offsetLookup.lookup(specs, timeoutMs).forEach((tp, offset) -> {
                if (subscriptions.isAssigned(tp) && offset >= 0) {
                    subscriptions.seek(tp, offset);
                }
            });
        }
    }

    /** Moves the position of an assigned partition; the next poll reads from {@code offset}. */
    public void seek(TopicPartition partition, long offset) {
        ensureOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        subscriptions.seek(partition, offset);
    }

    /** The next poll reads these partitions from their log start. */
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        ensureOpen();
        partitions.forEach(tp -> subscriptions.requestReset(tp, ResetStrategy.EARLIEST));
    }

    /** The next poll reads these partitions from their end (only records produced from now on). */
    public void seekToEnd(Collection<TopicPartition> partitions) {
        ensureOpen();
        partitions.forEach(tp -> subscriptions.requestReset(tp, ResetStrategy.LATEST));
    }

    /** The offset of the next record poll will return for an assigned partition, looking it up if needed. */
    public long position(TopicPartition partition) {
        ensureOpen();
        if (!subscriptions.isAssigned(partition)) {
            throw new IllegalStateException("partition " + partition + " is not assigned to this consumer");
        }
        if (!subscriptions.state(partition).hasPosition()) {
            metadata.addTopics(List.of(partition.topic()));
            refreshMetadata();
            resolvePositions(settings.defaultApiTimeoutMs());
        }
        return subscriptions.state(partition).position();
    }

    /** Commits the current positions of every assigned partition. */
    public void commitSync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        subscriptions.positions().forEach((tp, position) -> offsets.put(tp, new OffsetAndMetadata(position)));
        commitSync(offsets);
    }

    /** Commits the given offsets (each the next offset to consume). */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        ensureOpen();
        requireGroup().commit(offsets, settings.defaultApiTimeoutMs());
    }

    /** The group's committed offsets; partitions without a commit map to null. */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        ensureOpen();
        Map<TopicPartition, OffsetAndMetadata> found = requireGroup().fetchOffsets(partitions,
                settings.defaultApiTimeoutMs());
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        partitions.forEach(tp -> result.put(tp, found.get(tp)));
        return result;
    }

    /**
     * The partitions of {@code topic}.
     *
     * @throws UnknownTopicException when the topic still does not exist after a second
     * @throws BrokerUnavailableException when no broker can be reached
     */
    public List<PartitionInfo> partitionsFor(String topic) {
        ensureOpen();
        return metadata.awaitPartitions(topic, settings.defaultApiTimeoutMs(), UNKNOWN_TOPIC_WAIT_MS);
    }

    /** The log start offsets of the partitions. */
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return lookup(partitions, OffsetLookup.EARLIEST);
    }

    /** The end offsets (high watermarks) of the partitions. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return lookup(partitions, OffsetLookup.LATEST);
    }

    private Map<TopicPartition, Long> lookup(Collection<TopicPartition> partitions, long spec) {
        ensureOpen();
        Map<TopicPartition, Long> specs = new LinkedHashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        metadata.addTopics(specs.keySet().stream().map(TopicPartition::topic).distinct().toList());
        refreshMetadata();
        return offsetLookup.lookup(specs, settings.defaultApiTimeoutMs());
    }

    /** Makes a blocked (or the next) {@link #poll} throw {@link WakeupException}. Safe from any thread. */
    public void wakeup() {
        wakeupRequested.set(true);
        fetcher.interrupt();
    }

    /** Commits positions when auto-commit is on, then releases connections. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            maybeCommitOnRevoke();
        } finally {
            closed = true;
            channels.close();
        }
    }

    private void maybeAutoCommit() {
        long nowMs = time.milliseconds();
        if (settings.enableAutoCommit() && nowMs >= nextAutoCommitMs) {
            nextAutoCommitMs = nowMs + settings.autoCommitIntervalMs();
            commitQuietly();
        }
    }

    private void maybeCommitOnRevoke() {
        if (settings.enableAutoCommit()) {
            commitQuietly();
        }
    }

    private void commitQuietly() {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            subscriptions.positions().forEach((tp, position) -> offsets.put(tp, new OffsetAndMetadata(position)));
            group.commit(offsets, settings.requestTimeoutMs());
        } catch (SluiceException e) {
            LOG.warn("auto-commit of group {} failed: {}", settings.groupId(), e.getMessage());
        }
    }

    private GroupClient requireGroup() {
        if (group == null) {
            throw new SluiceException(ErrorCode.INVALID_GROUP_ID, "committing offsets needs a group.id");
        }
        return group;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("consumer is closed");
        }
    }
}
