package dev.sluice.broker.log;

import java.time.Duration;

/**
 * Per-topic log settings, with Kafka's names and defaults.
 *
 * @param retentionMs batches whose max timestamp is older than this are deleted; -1: keep forever
 * @param retentionBytes oldest batches are deleted while the partition holds more than this; -1: no limit
 * @param maxMessageBytes largest accepted batch, serialized, in bytes; 0 (Kafka's minimum too) refuses every batch
 * @param delete {@code cleanup.policy} includes {@code delete}: retention by time and size applies
 * @param compact {@code cleanup.policy} includes {@code compact}: the {@link LogCleaner} keeps the latest record
 *     per key
 * @param deleteRetentionMs how long compaction keeps a tombstone after its timestamp
 */
public record LogConfig(long retentionMs, long retentionBytes, int maxMessageBytes, boolean delete,
                        boolean compact, long deleteRetentionMs) {

    /** Kafka's {@code delete.retention.ms} default: 1 day. */
    public static final long DEFAULT_DELETE_RETENTION_MS = Duration.ofDays(1).toMillis();

    /** {@code cleanup.policy=delete}. */
    public LogConfig(long retentionMs, long retentionBytes, int maxMessageBytes) {
        this(retentionMs, retentionBytes, maxMessageBytes, true, false, DEFAULT_DELETE_RETENTION_MS);
    }

    /** Kafka's {@code retention.ms} default: 7 days. */
    public static final long DEFAULT_RETENTION_MS = Duration.ofDays(7).toMillis();
    /** Kafka's {@code max.message.bytes} default: 1 MiB plus room for the batch overhead. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    /** Kafka's defaults: 7 days, no size limit, 1 MiB + 12 bytes. */
    public static final LogConfig DEFAULT = new LogConfig(DEFAULT_RETENTION_MS, -1, DEFAULT_MAX_MESSAGE_BYTES);

    public LogConfig {
        if (retentionMs < -1 || retentionBytes < -1 || maxMessageBytes < 0 || deleteRetentionMs < 0
                || !delete && !compact) {
            throw new IllegalArgumentException("bad log config: retention.ms=" + retentionMs
                    + " retention.bytes=" + retentionBytes + " max.message.bytes=" + maxMessageBytes
                    + " delete=" + delete + " compact=" + compact + " delete.retention.ms=" + deleteRetentionMs);
        }
    }
}
