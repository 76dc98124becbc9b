package dev.sluice.broker.log;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention to every partition of a {@link LogStore}: for each, looks up its {@link LogConfig}, asks
 * the pure {@link RetentionPolicy} for a new log start offset (through
 * {@link PartitionLog#maybeApplyRetention}) and deletes below it.
 *
 * <p>Meant to be scheduled at a fixed delay on one background thread (Kafka's
 * {@code log.retention.check.interval.ms}, 5 minutes by default). Time comes from the injected clock.
 * Partitions are independent: a storage failure on one is logged and the others are still processed, and
 * {@link #run()} never throws for it (a throwing task would silently stop a scheduled executor).
 */
public final class RetentionTask implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RetentionTask.class);

    private final LogStore store;
    private final Function<PartitionKey, LogConfig> configs;
    private final Clock clock;

    /**
     * @param configs the config of each partition's topic; may return null for a partition whose topic is
     *     gone from the metadata, which is then skipped (deleting it is the metadata's job)
     */
    public RetentionTask(LogStore store, Function<PartitionKey, LogConfig> configs, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.configs = Objects.requireNonNull(configs);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void run() {
        runOnce();
    }

    /**
     * One pass over all partitions with {@code cleanup.policy} including {@code delete} (a compact-only topic keeps
     * every key's latest record however old or large the log is); returns how many had batches deleted.
     */
    public int runOnce() {
        long nowMs = clock.millis();
        return PartitionPass.run(store, configs, LogConfig::delete, "retention",
                (partition, config) -> applyRetention(partition, config, nowMs));
    }

    private static boolean applyRetention(PartitionLog partition, LogConfig config, long nowMs) {
        long startBefore = partition.logStartOffset();
        if (!partition.maybeApplyRetention(config, nowMs)) {
            return false;
        }
        log.debug("Retention moved the log start of {} from {} to {}", partition.key(), startBefore,
                partition.logStartOffset());
        return true;
    }
}
