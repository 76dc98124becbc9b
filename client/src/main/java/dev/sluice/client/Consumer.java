package dev.sluice.client;

import dev.sluice.client.internal.ChannelPool;
import dev.sluice.client.internal.Cluster;
import dev.sluice.client.internal.ConfigReader;
import dev.sluice.client.internal.ConsumerSettings;
import dev.sluice.client.internal.Fetcher;
import dev.sluice.client.internal.GroupClient;
import dev.sluice.client.internal.GroupReconciler;
import dev.sluice.client.internal.Membership;
import dev.sluice.client.internal.Metadata;
import dev.sluice.client.internal.OffsetLookup;
import dev.sluice.client.internal.SubscriptionState;
import dev.sluice.client.internal.SubscriptionState.ResetStrategy;
import dev.sluice.client.internal.Time;
import dev.sluice.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records from Sluice topics with Kafka's polling model. Not thread-safe: one thread polls;
 * only {@link #wakeup()} may be called from another thread.
 *
 * <p><b>Groups:</b> with a {@code group.id}, {@link #subscribe} joins the group: a background thread heartbeats the
 * subscription to the group coordinator, which assigns the partitions ({@code partition.assignment.strategy}); the
 * assignment is applied inside {@link #poll}, calling the {@link ConsumerRebalanceListener} (revocations first,
 * after an auto-commit of the revoked partitions). The starting position is the group's committed offset, else
 * {@code auto.offset.reset}; commits go to the coordinator, automatically every {@code auto.commit.interval.ms}
 * inside {@link #poll}, before revocations and on {@link #close()} when {@code enable.auto.commit} is on. Without a
 * group id, {@link #subscribe(Collection)} reads every partition of the topics and {@link #assign} works as is.
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
    private final ChannelPool channels;
    private final Metadata metadata;
    private final SubscriptionState subscriptions = new SubscriptionState();
    private final Fetcher<K, V> fetcher;
    private final OffsetLookup offsetLookup;
    private final GroupClient group;
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final Membership membership;
    private final ExecutorService commitExecutor;
    private final ConcurrentLinkedQueue<Runnable> commitCallbacks = new ConcurrentLinkedQueue<>();
    private final GroupReconciler reconciler;
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
        this.channels = new ChannelPool(settings.tls(), settings.sasl(), settings.clientId());
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
        this.membership = group == null ? null : new Membership(new GroupClient(settings.groupId(), metadata,
                channels, time, settings.requestTimeoutMs(), settings.retryBackoffMs()), settings, time,
                fetcher::interrupt);
        if (membership != null) {
            group.commitAs(membership::commitIdentity, membership::commitRefused);
        }
        this.reconciler = membership == null ? null : new GroupReconciler(settings, membership, group, subscriptions,
                metadata, fetcher::retainAssigned);
        this.commitExecutor = group == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "sluice-commit-" + settings.clientId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins the group with these topics (without a group id: reads every partition of them). Replaces any previous
     * subscription or assignment.
     */
    public void subscribe(Collection<String> topics) {
        subscribe(topics, ConsumerRebalanceListener.NONE);
    }

    /** Same, with a listener called inside {@link #poll} when the assignment changes. */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        ensureOpen();
        for (String topic : topics) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be empty");
            }
        }
        Objects.requireNonNull(listener, "listener");
        if (reconciler != null) {
            reconciler.setListener(listener);
        }
        subscriptions.subscribe(topics, membership != null);
        metadata.setTopics(topics);
        fetcher.retainAssigned();
        if (membership != null) {
            membership.subscribe(List.copyOf(topics), "");
        }
    }

    /** Joins the group with every topic whose whole name matches (evaluated by the coordinator); needs a group. */
    public void subscribe(Pattern pattern) {
        subscribe(pattern, ConsumerRebalanceListener.NONE);
    }

    /** Same, with a listener. */
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        ensureOpen();
        if (membership == null) {
            throw new IllegalStateException("subscribe(Pattern) needs a group.id");
        }
        reconciler.setListener(listener);
        subscriptions.subscribe(List.of(), true);
        metadata.setTopics(List.of());
        fetcher.retainAssigned();
        membership.subscribe(List.of(), pattern.pattern());
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
        revokeAll();
        if (membership != null) {
            membership.unsubscribe();
        }
        subscriptions.unsubscribe();
        fetcher.retainAssigned();
    }

    /** This consumer's group membership (generation = the member epoch of the assignment applied last). */
    public ConsumerGroupMetadata groupMetadata() {
        requireGroup();
        return new ConsumerGroupMetadata(settings.groupId(), reconciler.generation(), membership.memberId(),
                settings.groupInstanceId());
    }

    /** Applies what the heartbeat thread received (see {@link GroupReconciler}). Polling thread. */
    private void applyMembership() {
        if (membership == null) {
            return;
        }
        runCommitCallbacks();
        reconciler.apply();
    }

    /** Gives up every partition (listener, auto-commit), as before leaving the group. */
    private void revokeAll() {
        if (membership == null || !subscriptions.isSubscribed()) {
            maybeCommitOnRevoke();
            return;
        }
        reconciler.revokeAll();
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
        applyMembership();
        if (!subscriptions.isSubscribed() && subscriptions.assignment().isEmpty()) {
            throw new IllegalStateException("consumer is not subscribed to any topic or assigned any partition");
        }
        long deadlineMs = time.milliseconds() + Math.max(0, timeout.toMillis());
        maybeAutoCommit();
        while (true) {
            checkWakeup();
            applyMembership();
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
            long throttledMs = fetcher.hasInFlight() ? 0 : fetcher.backoffRemainingMs();
            if (throttledMs > 0) {
                waitMs = Math.min(waitMs, throttledMs);  // fetch again as soon as a quota throttle ends
            }
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
        throwIfUnauthorized(metadata.cluster());
    }

    /**
     * As Kafka's consumer: a topic of the subscription or assignment that the broker refused to describe
     * ({@code TOPIC_AUTHORIZATION_FAILED}) fails the poll, rather than being waited for until an ACL appears.
     */
    private void throwIfUnauthorized(Cluster cluster) {
        Set<String> topics = new HashSet<>(subscriptions.subscription());
        subscriptions.assignment().forEach(tp -> topics.add(tp.topic()));
        for (String topic : topics) {
            Cluster.TopicState state = cluster.topics().get(topic);
            if (state != null && state.error() == ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
                throw new AuthorizationException(state.error(), state.message().isEmpty()
                        ? "not authorized to describe topic " + topic : state.message());
            }
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
        commitAfterPending(requireGroup(), offsets, settings.defaultApiTimeoutMs());
        runCommitCallbacks();
    }

    /**
     * Commits on the commit thread behind every asynchronous commit already queued, and waits. Committing from the
     * calling thread instead would let an earlier {@link #commitAsync} still in flight land after this commit and
     * move the group's offsets back: the usual "async commits while polling, one sync commit on close" loop would
     * then restart from an older offset.
     */
    private void commitAfterPending(GroupClient client, Map<TopicPartition, OffsetAndMetadata> offsets,
                                    long timeoutMs) {
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        Future<?> commit = commitExecutor.submit(() -> client.commit(copy, timeoutMs));
        try {
            // The queued async commits each have their own budget; this wait covers them and this one.
            commit.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new SluiceException(ErrorCode.UNKNOWN_SERVER_ERROR, "commit failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            commit.cancel(true);
            throw new WakeupException();
        }
    }

    /** Commits the current positions in the background. */
    public void commitAsync() {
        commitAsync((OffsetCommitCallback) null);
    }

    /** Same; {@code callback} runs on the polling thread in a later poll, commit or close. */
    public void commitAsync(OffsetCommitCallback callback) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        subscriptions.positions().forEach((tp, position) -> offsets.put(tp, new OffsetAndMetadata(position)));
        commitAsync(offsets, callback);
    }

    /** Commits the given offsets in the background, in call order. */
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        ensureOpen();
        GroupClient client = requireGroup();
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        commitExecutor.execute(() -> {
            Exception failure = null;
            try {
                client.commit(copy, settings.defaultApiTimeoutMs());
            } catch (RuntimeException e) {
                failure = e;
            }
            if (callback != null) {
                Exception result = failure;
                commitCallbacks.add(() -> callback.onComplete(copy, result));
            } else if (failure != null) {
                LOG.warn("group {}: async commit failed: {}", settings.groupId(), failure.getMessage());
            }
        });
    }

    private void runCommitCallbacks() {
        Runnable callback;
        while ((callback = commitCallbacks.poll()) != null) {
            callback.run();
        }
    }

    /** The group's committed offset of one partition, or null. */
    public OffsetAndMetadata committed(TopicPartition partition) {
        return committed(Set.of(partition)).get(partition);
    }

    /**
     * For each partition, the first offset whose batch has a record at or after the time (epoch ms), with that
     * batch's timestamp; null where there is none.
     */
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsMs) {
        ensureOpen();
        timestampsMs.values().forEach(t -> {
            if (t < 0) {
                throw new IllegalArgumentException("timestamps must be >= 0, got " + t);
            }
        });
        metadata.addTopics(timestampsMs.keySet().stream().map(TopicPartition::topic).distinct().toList());
        refreshMetadata();
        Map<TopicPartition, long[]> found = offsetLookup.lookupWithTimestamps(timestampsMs,
                settings.defaultApiTimeoutMs());
        Map<TopicPartition, OffsetAndTimestamp> result = new HashMap<>();
        timestampsMs.keySet().forEach(tp -> {
            long[] hit = found.get(tp);
            result.put(tp, hit == null || hit[0] < 0 ? null : new OffsetAndTimestamp(hit[0], hit[1]));
        });
        return result;
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

    /**
     * Quota throttling of this consumer's fetches, Kafka-named: {@code fetch-throttle-time-total} (ms the brokers
     * asked it to wait) and {@code fetch-throttled-responses-total}. Any thread.
     */
    public Map<String, Double> metrics() {
        long[] throttle = fetcher.throttleTimes();
        return Map.of("fetch-throttle-time-total", (double) throttle[0],
                "fetch-throttled-responses-total", (double) throttle[1]);
    }

    /** Commits positions when auto-commit is on, then releases connections. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            revokeAll();
        } finally {
            closed = true;
            try {
                if (membership != null) {
                    membership.close();
                    commitExecutor.shutdown();
                    awaitCommits();
                    runCommitCallbacks();
                }
            } finally {
                fetcher.close();
                channels.close();
            }
        }
    }

    private void awaitCommits() {
        try {
            commitExecutor.awaitTermination(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As if the process died (tests): no leave, no commit, connections dropped. */
    void abandon() {
        closed = true;
        if (membership != null) {
            membership.abandon();
            commitExecutor.shutdownNow();
        }
        fetcher.close();
        channels.close();
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
            commitAfterPending(group, offsets, settings.requestTimeoutMs());
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
