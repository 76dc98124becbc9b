package dev.sluice.broker.log;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/**
 * The open database and its column families, shared by the {@link LogStore} and all its partitions. RocksDB
 * handles are thread-safe; they stay valid until the store closes. Reads go to {@code db}, writes through
 * {@code writer} only.
 */
record StoreHandles(RocksDB db, ColumnFamilyHandle batches, ColumnFamilyHandle index, ColumnFamilyHandle state,
                    ColumnFamilyHandle producers, StoreWriter writer) {
}
