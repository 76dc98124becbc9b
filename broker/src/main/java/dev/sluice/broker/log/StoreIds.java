package dev.sluice.broker.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The store id of a {@link LogStore}, kept under a fixed key of RocksDB's default column family, so that it lives
 * and dies with the data: a wiped or replaced directory has none, and gets a new one. Static helpers.
 */
final class StoreIds {

    private static final byte[] KEY = "sluice.store.id".getBytes(StandardCharsets.UTF_8);

    private StoreIds() {
    }

    /** The stored id, or a new random one written (synced) when there is none. */
    static UUID loadOrCreate(RocksDB db, WriteOptions synced) {
        try {
            byte[] stored = db.get(KEY);
            if (stored != null) {
                if (stored.length != 16) {
                    throw new LogStorageException("store id of " + stored.length + " bytes, expected 16", null);
                }
                ByteBuffer buffer = ByteBuffer.wrap(stored);
                return new UUID(buffer.getLong(), buffer.getLong());
            }
            UUID created = UUID.randomUUID();
            db.put(synced, KEY, ByteBuffer.allocate(16).putLong(created.getMostSignificantBits())
                    .putLong(created.getLeastSignificantBits()).array());
            return created;
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot read or write the store id", e);
        }
    }
}
