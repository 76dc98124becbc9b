package dev.sluice.broker.log;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A {@link WriteSink} whose disk can be filled (while full, every write fails as RocksDB's WAL append does), whose
 * fsyncs can be held back (a slow disk), and which counts the fsyncs that reached it.
 */
public final class FakeFullDisk implements WriteSink {

    private volatile boolean full;
    private volatile int failedWrites;
    private final java.util.concurrent.atomic.AtomicInteger syncs = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch syncGate = new java.util.concurrent.CountDownLatch(0);
    private volatile boolean syncFails;

    /** Later fsyncs wait until {@link #releaseSyncs}. */
    public void holdSyncs() {
        syncGate = new java.util.concurrent.CountDownLatch(1);
    }

    public void releaseSyncs() {
        syncGate.countDown();
    }

    /** Later fsyncs fail, as a dying disk's would. */
    public void failSyncs() {
        syncFails = true;
    }

    /** How many fsyncs completed or failed on this disk. */
    public int syncs() {
        return syncs.get();
    }

    @Override
    public void sync(RocksDB db) throws RocksDBException {
        try {
            syncGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RocksDBException("interrupted while syncing");
        }
        syncs.incrementAndGet();
        if (syncFails) {
            throw new RocksDBException("IO error: While fsync: a file descriptor: Input/output error");
        }
        db.syncWal();
    }

    public void fill() {
        full = true;
    }

    public void empty() {
        full = false;
    }

    /** How many writes reached this disk while it was full. */
    public int failedWrites() {
        return failedWrites;
    }

    @Override
    public void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException {
        if (full) {
            failedWrites++;
            throw new RocksDBException("While appending to file: 000077.log: No space left on device");
        }
        db.write(options, batch);
    }
}
