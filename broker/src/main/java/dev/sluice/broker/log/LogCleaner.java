package dev.sluice.broker.log;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log cleaner: compacts every partition of a {@link LogStore} whose topic has {@code cleanup.policy}
 * including {@code compact} (see {@link PartitionCompactor} and {@link CompactionPlanner}).
 *
 * <p>Meant to run at a fixed delay on its own background thread, so a long pass never delays produce, fetch
 * or retention: it reads through RocksDB iterators without the partition lock and takes the lock only for the
 * one {@code WriteBatch} that stores a partition's rewritten batches. Time comes from the injected clock.
 * Partitions are independent: a storage failure on one is logged and the others are still cleaned, and
 * {@link #run()} never throws for it.
 */
public final class LogCleaner implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);

    private final LogStore store;
    private final Function<PartitionKey, LogConfig> configs;
    private final Clock clock;

    /** @param configs each partition's topic config; null for a partition whose topic is gone (skipped) */
    public LogCleaner(LogStore store, Function<PartitionKey, LogConfig> configs, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.configs = Objects.requireNonNull(configs);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void run() {
        runOnce();
    }

    /** One pass over all compacted partitions; returns how many had batches rewritten. */
    public int runOnce() {
        return PartitionPass.run(store, configs, LogConfig::compact, "compaction", this::compact);
    }

    private boolean compact(PartitionLog partition, LogConfig config) {
        PartitionCompactor.Result result = partition.compact(config.deleteRetentionMs(), clock.millis());
        if (result.batchesRewritten() == 0) {
            return false;
        }
        log.debug("Compacted {}: {} batches rewritten, {} records and {} bytes removed", partition.key(),
                result.batchesRewritten(), result.recordsRemoved(), result.bytesRemoved());
        return true;
    }
}
