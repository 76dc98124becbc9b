package dev.sluice.broker.log;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Where the log store's write batches go: RocksDB itself in production; tests put a failing disk here (a full disk,
 * an I/O error) to exercise what a storage failure does to the node. Called with the writing partition's lock held,
 * on any thread.
 */
@FunctionalInterface
public interface WriteSink {

    /** Writes straight to RocksDB. */
    WriteSink ROCKSDB = RocksDB::write;

    void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException;

    /** Makes every write so far durable: fsyncs RocksDB's write-ahead log. */
    default void sync(RocksDB db) throws RocksDBException {
        db.syncWal();
    }
}
