package dev.sluice.broker.log;

import dev.sluice.fault.FaultHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The only path by which a {@link LogStore} and its partitions write RocksDB. A failed write is fatal for the node,
 * as a failed log directory is in Kafka: after a failed WAL append (a full disk, an I/O error) RocksDB refuses every
 * later write until it is reopened, and a log whose last write may or may not be on disk cannot be trusted to lead
 * or follow. So the first failure goes to the {@link FaultHandler} (which stops the node in production), and from
 * then on every write is refused at once, without touching RocksDB, until the process ends.
 *
 * <p>Threads: thread-safe. Invariant: once {@link #isFailed()} is true it stays true, and no later write reaches
 * RocksDB, so nothing written after the failure can be acknowledged.
 */
final class StoreWriter {

    private final RocksDB db;
    private final WriteOptions options;
    private final WriteSink sink;
    private final FaultHandler faultHandler;
    private final AtomicBoolean failed = new AtomicBoolean();

    StoreWriter(RocksDB db, WriteOptions options, WriteSink sink, FaultHandler faultHandler) {
        this.db = db;
        this.options = options;
        this.sink = sink;
        this.faultHandler = faultHandler;
    }

    /**
     * Writes {@code batch} atomically.
     *
     * @param what what the write does, for the error ("append to 1234-0")
     * @throws LogStorageException when the write fails, or when an earlier one did (nothing is written)
     */
    void write(WriteBatch batch, String what) {
        if (failed.get()) {
            throw new LogStorageException(what + " refused: the log store failed an earlier write", null);
        }
        try {
            sink.write(db, options, batch);
        } catch (RocksDBException e) {
            LogStorageException failure = new LogStorageException(what + " failed", e);
            if (failed.compareAndSet(false, true)) {
                faultHandler.handleFault("log store write failed (" + what + ")", failure);
            }
            throw failure;
        }
    }

    /**
     * Fsyncs the write-ahead log, making every write that returned before this call durable. A failed sync is
     * fatal like a failed write: whether the data reached the disk is unknown, so nothing may be acknowledged.
     *
     * @throws LogStorageException when the sync fails, or when an earlier write or sync did
     */
    void sync(String what) {
        if (failed.get()) {
            throw new LogStorageException(what + " refused: the log store failed an earlier write", null);
        }
        try {
            sink.sync(db);
        } catch (RocksDBException e) {
            LogStorageException failure = new LogStorageException(what + " failed", e);
            if (failed.compareAndSet(false, true)) {
                faultHandler.handleFault("log store sync failed (" + what + ")", failure);
            }
            throw failure;
        }
    }

    /**
     * A read failed. When RocksDB found damaged data (a checksum mismatch, a truncated block), that is fatal for the
     * node like a failed write: it must not serve the partition, and a node whose own data is damaged must not lead
     * or count as an in-sync replica. The node stops (through the fault handler); when it starts again it verifies
     * the store and rebuilds it from the other replicas ({@link LogStore#open}). Other read failures are only
     * returned.
     *
     * @return the exception for the caller to throw
     */
    LogStorageException readFailed(String what, RocksDBException cause) {
        LogStorageException failure = new LogStorageException(what + " failed", cause);
        boolean damaged = cause.getStatus() != null
                && cause.getStatus().getCode() == org.rocksdb.Status.Code.Corruption;
        if (damaged && failed.compareAndSet(false, true)) {
            faultHandler.handleFault("log store found damaged data (" + what + ")", failure);
        }
        return failure;
    }

    /** Whether a write has failed; the store then takes no more writes. */
    boolean isFailed() {
        return failed.get();
    }
}
