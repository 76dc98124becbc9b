package dev.sluice.broker.log;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Brings partitions' appended data to disk: what a {@link FlushPolicy} that asks for durability waits on. The
 * production implementation is the group-committing {@link LogSyncer}. Thread-safe; futures may complete on another
 * thread, so what callers chain on them must be quick.
 */
@FunctionalInterface
public interface PartitionSyncer {

    /**
     * Completes once an fsync that began after this call covers everything appended to {@code partitions} before
     * it (their {@link PartitionLog#acknowledgeableEndOffset} then includes it); exceptionally when the fsync failed
     * or the store is closing.
     */
    CompletableFuture<Void> sync(Collection<PartitionLog> partitions);

    /** {@link #sync(Collection)} for one partition. */
    default CompletableFuture<Void> sync(PartitionLog partition) {
        return sync(List.of(partition));
    }
}
