package dev.sluice.broker.log;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Walks one partition's batch index in offset order, starting with the batch that contains a given offset
 * (or the first batch after it). Reads a consistent point-in-time view of the index (RocksDB iterators are
 * implicit snapshots). Owned by one thread; must be closed.
 */
final class IndexCursor implements Iterator<BatchSummary>, AutoCloseable {

    private final Slice lowerBound;
    private final Slice upperBound;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    private final StoreHandles handles;

    IndexCursor(StoreHandles handles, PartitionKey key, long fromOffset) {
        this.handles = handles;
        lowerBound = new Slice(key.batchKey(0));
        upperBound = new Slice(key.endKey());
        readOptions = new ReadOptions().setIterateLowerBound(lowerBound).setIterateUpperBound(upperBound);
        iterator = handles.db().newIterator(handles.index(), readOptions);
        byte[] from = key.batchKey(fromOffset);
        // Batches are contiguous, so the last batch starting at or before the offset contains it.
        iterator.seekForPrev(from);
        if (!iterator.isValid()) {
            iterator.seek(from);
        }
    }

    @Override
    public boolean hasNext() {
        if (iterator.isValid()) {
            return true;
        }
        try {
            iterator.status();
        } catch (RocksDBException e) {
            throw handles.writer().readFailed("batch index scan", e);
        }
        return false;
    }

    @Override
    public BatchSummary next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        BatchSummary summary = BatchSummary.decode(iterator.key(), iterator.value());
        iterator.next();
        return summary;
    }

    @Override
    public void close() {
        iterator.close();
        readOptions.close();
        upperBound.close();
        lowerBound.close();
    }
}
