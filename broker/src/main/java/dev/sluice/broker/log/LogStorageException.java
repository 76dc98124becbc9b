package dev.sluice.broker.log;

/**
 * RocksDB failed to read or write. Unchecked because callers cannot do better than report
 * {@code KAFKA_STORAGE_ERROR} for the partition (or stop the node); the cause keeps the RocksDB status.
 */
public final class LogStorageException extends RuntimeException {

    public LogStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
