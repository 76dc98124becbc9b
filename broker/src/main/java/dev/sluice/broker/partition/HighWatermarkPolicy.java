package dev.sluice.broker.partition;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.PartitionLog;

/**
 * Decides what happens to a partition's high watermark after a local append. This is the hook replication
 * replaces: with followers, the leader moves the high watermark only when every in-sync replica has fetched
 * past it, so its policy does nothing here.
 *
 * <p>Called on the produce request thread right after the append; must not block.
 */
@FunctionalInterface
public interface HighWatermarkPolicy {

    /** For a partition with a single replica (this broker): everything appended is committed. */
    HighWatermarkPolicy SINGLE_REPLICA = (log, appended) -> log.updateHighWatermark(appended.nextOffset());

    void afterLocalAppend(PartitionLog log, AppendResult appended);
}
