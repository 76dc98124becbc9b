package dev.sluice.broker.log;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.RecordBatchHeader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * The idempotent batches of one partition below an offset, newest first, read lazily from RocksDB: the input of
 * {@link ProducerStates#rebuiltAfterTruncation}. Reads at most {@value #MAX_BATCHES_READ} stored batches, so a
 * truncation never walks a whole long log under the partition lock; a producer whose last batch lies further back is
 * forgotten, and the leader then answers it {@code UNKNOWN_PRODUCER_ID}, which the producer survives by bumping its
 * epoch.
 *
 * <p>Threads: used by one thread, under the partition's lock. Must be closed.
 */
final class StoredBatchesNewestFirst implements Iterator<ProducerStates.StoredBatch>, AutoCloseable {

    static final int MAX_BATCHES_READ = 10_000;

    private final PartitionKey key;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions options;
    private final RocksIterator iterator;
    private final StoreHandles handles;
    private int batchesRead;
    private ProducerStates.StoredBatch next;

    /** @param endOffset batches with a base offset below it are read */
    StoredBatchesNewestFirst(StoreHandles handles, PartitionKey key, long endOffset) {
        this.key = key;
        this.handles = handles;
        this.lower = new Slice(key.batchKey(0));
        this.upper = new Slice(key.batchKey(endOffset));
        this.options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        this.iterator = handles.db().newIterator(handles.batches(), options);
        iterator.seekToLast();
        advance();
    }

    private void advance() {
        next = null;
        while (next == null && iterator.isValid() && batchesRead < MAX_BATCHES_READ) {
            batchesRead++;
            RecordBatchHeader header = parse(iterator.value()).getHeader();
            if (header.getProducerId() > 0) {
                // The span as appended, as appendAsFollower records it (compaction keeps it in last_offset_delta).
                int span = header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1 : header.getRecordCount();
                next = new ProducerStates.StoredBatch(header.getProducerId(), header.getProducerEpoch(),
                        header.getBaseSequence(), ProducerStates.lastSequence(header.getBaseSequence(), span),
                        header.getBaseOffset(), header.getAppendTimeMs());
            }
            iterator.prev();
        }
        if (next == null) {
            try {
                iterator.status();
            } catch (RocksDBException e) {
                throw handles.writer().readFailed("reading " + key + " to rebuild producer state", e);
            }
        }
    }

    private RecordBatchView parse(byte[] stored) {
        try {
            return RecordBatchView.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored batch of " + key + " does not parse", e);
        }
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public ProducerStates.StoredBatch next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        ProducerStates.StoredBatch current = next;
        advance();
        return current;
    }

    @Override
    public void close() {
        iterator.close();
        options.close();
        upper.close();
        lower.close();
    }
}
