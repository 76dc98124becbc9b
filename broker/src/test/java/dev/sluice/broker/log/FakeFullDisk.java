package dev.sluice.broker.log;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** A {@link WriteSink} whose disk can be filled: while full, every write fails as RocksDB's WAL append does. */
public final class FakeFullDisk implements WriteSink {

    private volatile boolean full;
    private volatile int failedWrites;

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
