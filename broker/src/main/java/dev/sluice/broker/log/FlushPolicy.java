package dev.sluice.broker.log;

/**
 * When a partition's appended data must be fsynced, and whether acknowledgements wait for it: the topic configs
 * {@code durable.acks}, {@code flush.messages} and {@code flush.ms}.
 *
 * <ul>
 *   <li>{@code durableAcks}: every append must be synced before it counts. The leader answers {@code acks=1} only
 *       after its own fsync, and the high watermark ({@code acks=all}) counts a replica only up to what it has
 *       synced (followers sync before they fetch again), so an acknowledged batch is on disk on every in-sync
 *       replica.</li>
 *   <li>{@code flushMessages} (Kafka's meaning): an append that leaves this many records or more unsynced forces
 *       an fsync, and counts only once it is done, as in Kafka, where that append flushes before it returns. With
 *       1 it behaves like {@code durableAcks}.</li>
 *   <li>{@code flushMs} (Kafka's meaning): unsynced data older than this is synced by a periodic pass; it does not
 *       hold back acknowledgements.</li>
 * </ul>
 * Kafka's defaults (never force an fsync) are {@link #NONE}: the data reaches disk when the operating system writes
 * it back, and replication is what protects it. Immutable.
 *
 * @param durableAcks every append must be synced before it is acknowledged
 * @param flushMessages unsynced records that force an fsync; {@link Long#MAX_VALUE}: never
 * @param flushMs age in milliseconds of unsynced data that makes the periodic pass sync it; {@link Long#MAX_VALUE}:
 *     never
 */
public record FlushPolicy(boolean durableAcks, long flushMessages, long flushMs) {

    /** No forced fsync (Kafka's default). */
    public static final FlushPolicy NONE = new FlushPolicy(false, Long.MAX_VALUE, Long.MAX_VALUE);

    /** Every append synced before it counts. */
    public static final FlushPolicy DURABLE = new FlushPolicy(true, Long.MAX_VALUE, Long.MAX_VALUE);

    public FlushPolicy {
        if (flushMessages < 1 || flushMs < 0) {
            throw new IllegalArgumentException("bad flush policy: flush.messages=" + flushMessages + " flush.ms="
                    + flushMs);
        }
    }

    /** Whether an append that leaves {@code unsyncedRecords} records unsynced must be synced before it counts. */
    boolean requiresSync(long unsyncedRecords) {
        return durableAcks || unsyncedRecords >= flushMessages;
    }

    /** Whether every acknowledged append is on disk (what a power loss cannot take back). */
    public boolean promisesDurableAcks() {
        return durableAcks || flushMessages == 1;
    }
}
