package dev.sluice.broker.log;

import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background pass over a store's partitions, shared by retention and compaction: it stops when the store is
 * closing, skips partitions whose topic is gone (null config) or whose policy does not apply, and contains each
 * partition's failure so the others are still processed and the pass never throws (a throwing task would
 * silently stop a scheduled executor). Runs on the caller's thread, inside {@link LogStore#runWhileOpen}.
 */
final class PartitionPass {
    private static final Logger log = LoggerFactory.getLogger(PartitionPass.class);

    /** The work on one partition; returns true when it changed the partition. */
    @FunctionalInterface
    interface Action {
        boolean apply(PartitionLog partition, LogConfig config);
    }

    private PartitionPass() {
    }

    /** Runs {@code action} on every partition whose config satisfies {@code applies}; returns how many changed. */
    static int run(LogStore store, Function<PartitionKey, LogConfig> configs, Predicate<LogConfig> applies,
                   String what, Action action) {
        int[] changed = {0};
        store.runWhileOpen(() -> changed[0] = runOpen(store, configs, applies, what, action));
        return changed[0];
    }

    private static int runOpen(LogStore store, Function<PartitionKey, LogConfig> configs,
                               Predicate<LogConfig> applies, String what, Action action) {
        int changed = 0;
        for (PartitionLog partition : store.partitions()) {
            if (store.isClosing()) {
                break;
            }
            LogConfig config = configs.apply(partition.key());
            if (config == null || !applies.test(config)) {
                continue;
            }
            try {
                if (action.apply(partition, config)) {
                    changed++;
                }
            } catch (PartitionDeletedException e) {
                log.debug("Partition {} was deleted during {}", partition.key(), what);
            } catch (LogStorageException e) {
                // A failed write was already reported to the fault handler by the store; this is a read failure.
                log.warn("{} failed for {}: {}", what, partition.key(), e.getMessage());
            } catch (RuntimeException e) {
                // Unexpected: logged, and retried with the next pass, so one partition cannot stop the schedule.
                log.error("{} failed for {}; retrying next pass", what, partition.key(), e);
            }
        }
        return changed;
    }
}
