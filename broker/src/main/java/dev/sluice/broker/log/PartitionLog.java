package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.wire.BatchChecksum;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The log of one partition, stored in its {@link LogStore}'s RocksDB: batches keyed by base offset, a batch
 * index for retention and timestamp lookups, and the partition state, all written in one {@code WriteBatch}
 * per change.
 *
 * <p>Threads: any thread may call any method. Mutations (append, high-watermark moves, deletions, truncation)
 * are serialized by a per-partition lock, so partitions never contend with each other. Reads take no lock:
 * they read the volatile, immutable {@link PartitionState} and a RocksDB iterator (a point-in-time view).
 *
 * <p>Invariants: batches are contiguous (each batch's base offset is the previous batch's next offset), the
 * state's log end offset is the next offset of the newest batch, and its size is the sum of the stored
 * batches' sizes. A change that adds data is written before the new state is published (readers never see
 * offsets that are not stored); a change that removes data publishes the new state first, and a read re-checks
 * the state after opening its iterator, so a read never silently misses deleted batches.
 *
 * <p>The high watermark is kept in memory and checkpointed with the next write or by
 * {@link #checkpointHighWatermark()}; after a crash it may come back lower, never higher.
 */
public final class PartitionLog {

    /** Kafka's {@code producer.id.expiration.ms} default: a producer idle for a day is forgotten. */
    public static final long DEFAULT_PRODUCER_EXPIRATION_MS = 24L * 60 * 60 * 1000;
    /** How often appends look for expired producers (Kafka's {@code producer.id.expiration.check.interval.ms}). */
    static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 10L * 60 * 1000;
    /**
     * The most batches kept in memory per partition for fetches at the tail ({@link TailBatches}): enough for the few
     * batches a caught-up follower or consumer is behind. Their bytes are bounded by the store's {@link TailBudget}.
     */
    public static final int TAIL_MAX_BATCHES = 32;
    /** The most bytes of them per partition, when the store holds few partitions. */
    public static final int TAIL_MAX_BYTES = TailBudget.MAX_PER_PARTITION_BYTES;

    private final PartitionKey key;
    private final StoreHandles handles;
    private final TailBudget tailBudget;
    private final byte[] stateKey;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<HighWatermarkListener> listeners = ConcurrentHashMap.newKeySet();
    private volatile PartitionState state;
    /**
     * The newest batches, for reads at the tail. Replaced under {@link #lock}, always before {@link #state} (see
     * {@link TailBatches}); emptied before any change other than an append (truncation, retention, compaction).
     */
    private volatile TailBatches tail = TailBatches.EMPTY;
    private volatile boolean deleted;
    /** Guarded by {@link #lock}: the in-memory high watermark is ahead of the stored checkpoint. */
    private boolean highWatermarkDirty;
    /** Bumped (under the lock) whenever batches are removed, so a compaction computed before gives up. */
    private volatile long generation;
    /** The topic's fsync rules; set from the metadata image ({@link #setFlushPolicy}). */
    private volatile FlushPolicy flushPolicy = FlushPolicy.NONE;
    /** Guarded by {@link #lock}: what is on disk and what may be acknowledged. */
    private final SyncProgress syncProgress;
    /** Published from {@link #syncProgress} after each change, for lock-free reads. */
    private volatile long acknowledgeableEnd;
    private volatile boolean awaitsSync;
    private volatile boolean hasUnsyncedData;
    private volatile long syncedEnd;
    private volatile long producerExpirationMs = DEFAULT_PRODUCER_EXPIRATION_MS;
    /** Guarded by {@link #lock}: append time (ms) from which the next append looks for expired producers. */
    private long nextProducerExpirationCheckMs = Long.MIN_VALUE;

    PartitionLog(PartitionKey key, StoreHandles handles, TailBudget tailBudget, PartitionState initialState) {
        this.key = key;
        this.handles = handles;
        this.tailBudget = tailBudget;
        this.stateKey = key.prefix();
        this.state = initialState;
        this.syncProgress = new SyncProgress(initialState.logEndOffset());
        publishSyncProgress();
    }

    /** Sets the topic's fsync rules (from {@code durable.acks}, {@code flush.messages}, {@code flush.ms}). */
    public void setFlushPolicy(FlushPolicy policy) {
        flushPolicy = java.util.Objects.requireNonNull(policy);
    }

    /**
     * Sets how long a producer may go without appending before its state is forgotten (Kafka's
     * {@code producer.id.expiration.ms}); a later batch of it with a sequence other than 0 then gets
     * {@code UNKNOWN_PRODUCER_ID}, and the producer starts over with a new epoch.
     */
    public void setProducerExpirationMs(long expirationMs) {
        if (expirationMs < 1) {
            throw new IllegalArgumentException("producer expiration must be >= 1 ms, was " + expirationMs);
        }
        producerExpirationMs = expirationMs;
    }

    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    /**
     * The offset below which everything may be acknowledged under the flush policy: synced, or appended under a
     * policy that did not ask for a sync. The leader counts itself in the high watermark only up to here, and
     * {@code acks=1} waits for it.
     */
    public long acknowledgeableEndOffset() {
        return acknowledgeableEnd;
    }

    /** Whether appended data waits for an fsync before it counts ({@link LogSyncer#sync} brings it). */
    public boolean awaitsSync() {
        return awaitsSync;
    }

    /** Whether some appended data is not known to be on disk. */
    public boolean hasUnsyncedData() {
        return hasUnsyncedData;
    }

    /** The end of the data known to be on disk (everything, at open). */
    public long syncedEndOffset() {
        return syncedEnd;
    }

    /** For the {@link LogSyncer}, just before an fsync: what it will cover. */
    SyncProgress.Capture captureForSync() {
        lock.lock();
        try {
            return syncProgress.capture();
        } finally {
            lock.unlock();
        }
    }

    /** For the {@link LogSyncer}: the fsync that began at {@code capture} completed. */
    void markSynced(SyncProgress.Capture capture) {
        lock.lock();
        try {
            syncProgress.afterSync(capture);
            publishSyncProgress();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void publishSyncProgress() {
        acknowledgeableEnd = syncProgress.acknowledgeableEnd();
        awaitsSync = syncProgress.awaitsSync();
        hasUnsyncedData = syncProgress.hasUnsyncedData();
        syncedEnd = syncProgress.syncedEnd();
    }

    public PartitionKey key() {
        return key;
    }

    /** The current state snapshot. */
    public PartitionState state() {
        return state;
    }

    public long logStartOffset() {
        return state.logStartOffset();
    }

    public long logEndOffset() {
        return state.logEndOffset();
    }

    public long highWatermark() {
        return state.highWatermark();
    }

    /** Total serialized size of the stored batches, in bytes. */
    public long sizeBytes() {
        return state.sizeBytes();
    }

    /**
     * Appends a batch at the log end. Writes the assigned base offset, the leader epoch and the append time
     * into the stored header. The caller validates the batch first ({@code BatchValidator}, which also sets the
     * CRC32C when the client sent none).
     *
     * @param batch a validated batch with at least one record
     * @param leaderEpoch the epoch of the leader appending; never lower than an earlier append's
     * @param nowMs broker time, epoch milliseconds
     * @throws IllegalArgumentException when the batch has no records
     * <p>A batch with a producer id (&gt; 0) goes through the idempotence check of {@link ProducerStates} under the
     * lock: a duplicate appends nothing and returns the original offsets ({@link AppendResult#duplicate()}); an
     * accepted batch updates the producer state in the same {@code WriteBatch} as the data.
     *
     * @throws StaleLeaderEpochException when {@code leaderEpoch} is older than the latest one that wrote
     * @throws ProducerSequenceException when the producer's sequence is out of order or its epoch is stale
     * @throws PartitionDeletedException when the partition was deleted
     * @throws LogStorageException when RocksDB fails (nothing is appended)
     */
    public AppendResult append(RecordBatchView batch, int leaderEpoch, long nowMs) {
        int recordCount = batch.getHeader().getRecordCount();
        if (recordCount < 1) {
            throw new IllegalArgumentException("batch without records: record_count=" + recordCount);
        }
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            if (leaderEpoch < current.latestEpoch()) {
                throw new StaleLeaderEpochException(key, leaderEpoch, current.latestEpoch());
            }
            RecordBatchHeader header = batch.getHeader();
            long producerId = header.getProducerId();
            AppendResult duplicate = producerId > 0 ? checkSequence(current, header) : null;
            if (duplicate != null) {
                return duplicate;
            }
            long baseOffset = current.logEndOffset();
            byte[] stored = toStoredBytes(batch, baseOffset, leaderEpoch, nowMs);
            BatchSummary summary = new BatchSummary(baseOffset, baseOffset + recordCount,
                    header.getMaxTimestampMs(), stored.length);
            PartitionState next = current.withAppend(summary.nextOffset(), stored.length, leaderEpoch, baseOffset);
            List<Long> expired = dueExpiredProducers(next.producers(), nowMs);
            next = next.withProducers(next.producers().without(expired));
            if (producerId > 0) {
                next = next.withProducers(next.producers().withBatch(producerId, header.getProducerEpoch(),
                        header.getBaseSequence(), recordCount, baseOffset, nowMs));
            }
            writeBatchAndState(stored, summary, next, recordCount, "append", producerId, expired);
            return new AppendResult(baseOffset, summary.lastOffset(), nowMs, next.logStartOffset());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The idempotence check of a batch with a producer id: the original batch's offsets for a duplicate, null for
     * a batch to append; throws for a refused one.
     */
    private AppendResult checkSequence(PartitionState current, RecordBatchHeader header) {
        int recordCount = header.getRecordCount();
        ProducerStates.Verdict verdict = current.producers().check(header.getProducerId(),
                header.getProducerEpoch(), header.getBaseSequence(), recordCount);
        if (verdict instanceof ProducerStates.Verdict.Duplicate duplicate) {
            ProducerStates.BatchEntry original = duplicate.original();
            return new AppendResult(original.baseOffset(), original.baseOffset() + recordCount - 1,
                    original.appendTimeMs(), current.logStartOffset(), true);
        } else if (verdict instanceof ProducerStates.Verdict.OutOfOrder outOfOrder) {
            throw new ProducerSequenceException(key, outOfOrder.message(),
                    ProducerSequenceException.Reason.OUT_OF_ORDER);
        } else if (verdict instanceof ProducerStates.Verdict.Fenced fenced) {
            throw new ProducerSequenceException(key, fenced.message(), ProducerSequenceException.Reason.FENCED);
        } else if (verdict instanceof ProducerStates.Verdict.UnknownProducer unknown) {
            throw new ProducerSequenceException(key, unknown.message(),
                    ProducerSequenceException.Reason.UNKNOWN_PRODUCER);
        }
        return null;
    }

    /**
     * The batch as stored: the leader's offsets, epoch and append time in its header. The CRC32C stays the one the
     * validator checked or computed; it covers only the records, which the broker never rewrites here.
     */
    private static byte[] toStoredBytes(RecordBatchView batch, long baseOffset, int leaderEpoch, long nowMs) {
        RecordBatchHeader.Builder header = batch.getHeader().toBuilder()
                .setBaseOffset(baseOffset)
                .setLeaderEpoch(leaderEpoch)
                .setAppendTimeMs(nowMs);
        // The records bytes are copied once here, straight into the array handed to RocksDB.
        return batch.toBuilder().setHeader(header).build().toByteArray();
    }

    /**
     * Under the lock, at most every {@link #PRODUCER_EXPIRATION_CHECK_INTERVAL_MS} of append time: the producers
     * whose last append is older than the expiration.
     */
    private List<Long> dueExpiredProducers(ProducerStates producers, long nowMs) {
        if (nowMs < nextProducerExpirationCheckMs) {
            return List.of();
        }
        long expirationMs = producerExpirationMs;
        nextProducerExpirationCheckMs = nowMs + Math.min(expirationMs, PRODUCER_EXPIRATION_CHECK_INTERVAL_MS);
        return producers.expiredIds(nowMs, expirationMs);
    }

    /**
     * The one write path of both appends, under the lock: the stored batch, its index entry, the partition state and
     * the state of the producer that wrote it (each producer has its own key, so an append re-encodes only its own)
     * go to RocksDB in one {@code WriteBatch}, with the removal of expired producers, so a crash keeps all or none;
     * then the new state is published.
     *
     * @param offsetsAppended how far the log end moved (records for a leader's append, the batch's offset span for
     *     a follower's)
     * @param what the operation, for the error and the fault report
     * @param producerId the batch's producer, 0 for none
     * @param expiredProducers producers removed from the state
     */
    private void writeBatchAndState(byte[] stored, BatchSummary summary, PartitionState next, long offsetsAppended,
            String what, long producerId, List<Long> expiredProducers) {
        byte[] batchKey = key.batchKey(summary.baseOffset());
        try (WriteBatch writes = new WriteBatch()) {
            writes.put(handles.batches(), batchKey, stored);
            writes.put(handles.index(), batchKey, summary.encodeValue());
            writes.put(handles.state(), stateKey, next.encode());
            for (long expired : expiredProducers) {
                writes.delete(handles.producers(), key.producerKey(expired));
            }
            if (producerId > 0) {
                writes.put(handles.producers(), key.producerKey(producerId),
                        ProducerStates.encode(producerId, next.producers().entry(producerId)).toByteArray());
            }
            handles.writer().write(writes, what + " to " + key);
        } catch (RocksDBException e) {
            throw new LogStorageException(what + " to " + key + " failed", e);
        }
        tail = tail.plus(summary.baseOffset(), summary.nextOffset(), stored, tailBudget.perPartitionBytes(),
                TAIL_MAX_BATCHES);
        state = next;
        highWatermarkDirty = false;
        syncProgress.afterAppend(next.logEndOffset(), offsetsAppended, flushPolicy);
        publishSyncProgress();
    }

    /**
     * Whether {@link #read} from {@code fetchOffset} up to {@code maxOffsetExclusive} would be answered from memory
     * (the newest batches, see {@link TailBatches}) without reading the store: false when there is nothing to read.
     */
    public boolean readsFromMemory(long fetchOffset, long maxOffsetExclusive) {
        PartitionState seen = state;
        long endOffset = Math.min(maxOffsetExclusive, seen.logEndOffset());
        return fetchOffset >= seen.logStartOffset() && fetchOffset < endOffset && tail.covers(fetchOffset, endOffset);
    }

    /** Reads with at least one batch when any is available; see {@link #read(long, int, long, boolean)}. */
    public ReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive) {
        return read(fetchOffset, maxBytes, maxOffsetExclusive, true);
    }

    /**
     * Reads whole stored batches starting with the one containing {@code fetchOffset}, in offset order, while
     * their total size stays within {@code maxBytes}, and only batches whose base offset is below
     * {@code maxOffsetExclusive} (callers pass the high watermark, which always sits on a batch boundary).
     *
     * @param minOneBatch return the first batch even when it alone exceeds {@code maxBytes}
     * @return the batches, or {@link ReadResult.Status#OFFSET_OUT_OF_RANGE} when {@code fetchOffset} is below
     *     the log start or above the log end
     */
    public ReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        PartitionState seen = state;
        if (fetchOffset < seen.logStartOffset() || fetchOffset > seen.logEndOffset()) {
            return ReadResult.outOfRange(seen);
        }
        long endOffset = Math.min(maxOffsetExclusive, seen.logEndOffset());
        if (fetchOffset >= endOffset || (maxBytes <= 0 && !minOneBatch)) {
            return ReadResult.empty(seen);
        }
        TailBatches newest = tail;  // read after the state: at least as new (see the field)
        if (newest.covers(fetchOffset, endOffset)) {
            long[] size = new long[1];
            List<ByteString> batches = newest.read(fetchOffset, endOffset, maxBytes, minOneBatch, size);
            return new ReadResult(ReadResult.Status.OK, batches, size[0], seen.logStartOffset(),
                    seen.logEndOffset());
        }
        List<ByteString> batches = new ArrayList<>();
        long sizeBytes = 0;
        try (Slice lower = new Slice(key.batchKey(0));
             Slice upper = new Slice(key.batchKey(endOffset));
             // Blocks read here are not put in the block cache: a fetch reads a block once, in order, and the
             // page cache keeps what is read again (as Kafka relies on it). Caching them cost a 64 KiB allocation
             // and an LRU insert and eviction per block, about half the broker's CPU of a consumer catching up on
             // three nodes (docs/performance.md), and flushed the index and state blocks the cache is for.
             ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)
                     .setFillCache(false);
             RocksIterator iterator = handles.db().newIterator(handles.batches(), options)) {
            iterator.seekForPrev(key.batchKey(fetchOffset));
            for (; iterator.isValid(); iterator.next()) {
                byte[] value = iterator.value();
                boolean mayExceed = batches.isEmpty() && minOneBatch;
                if (!mayExceed && sizeBytes + value.length > maxBytes) {
                    break;
                }
                // The array is fresh from JNI and never mutated, so wrapping it without a copy is safe.
                batches.add(UnsafeByteOperations.unsafeWrap(value));
                sizeBytes += value.length;
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw handles.writer().readFailed("read from " + key, e);
        }
        if (fetchOffset < state.logStartOffset()) {
            // Retention moved the log start while we read; the iterator may have missed deleted batches.
            return ReadResult.outOfRange(state);
        }
        return new ReadResult(ReadResult.Status.OK, batches, sizeBytes, seen.logStartOffset(), seen.logEndOffset());
    }

    /**
     * Raises the high watermark. Never lowers it (only {@link #truncateTo} does); a value at or below the
     * current one is ignored. Listeners run after the lock is released.
     *
     * @throws IllegalArgumentException when {@code highWatermark} is above the log end
     */
    public void updateHighWatermark(long highWatermark) {
        PartitionState updated;
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            if (highWatermark > current.logEndOffset()) {
                throw new IllegalArgumentException("high watermark " + highWatermark + " above log end "
                        + current.logEndOffset() + " in " + key);
            }
            if (highWatermark <= current.highWatermark()) {
                return;
            }
            updated = current.withHighWatermark(highWatermark);
            state = updated;
            highWatermarkDirty = true;
        } finally {
            lock.unlock();
        }
        for (HighWatermarkListener listener : listeners) {
            listener.onHighWatermarkAdvanced(this, updated.highWatermark());
        }
    }

    /** Writes the state if the in-memory high watermark is ahead of the stored one. */
    public void checkpointHighWatermark() {
        lock.lock();
        try {
            if (highWatermarkDirty && !deleted) {
                writeState(state, null, null);
                highWatermarkDirty = false;
            }
        } finally {
            lock.unlock();
        }
    }

    public void addHighWatermarkListener(HighWatermarkListener listener) {
        listeners.add(listener);
    }

    public void removeHighWatermarkListener(HighWatermarkListener listener) {
        listeners.remove(listener);
    }

    /**
     * The first record (at or after the log start) whose timestamp is at or after {@code timestampMs}, with that
     * timestamp, as Kafka's ListOffsets answers. Walks the batch index (max timestamps need not be monotonic, so
     * this is linear) and decodes only a batch whose max timestamp qualifies.
     */
    public Optional<TimestampAndOffset> findOffsetForTimestamp(long timestampMs) {
        long logStart = state.logStartOffset();
        try (IndexCursor cursor = new IndexCursor(handles, key, logStart)) {
            while (cursor.hasNext()) {
                BatchSummary batch = cursor.next();
                if (batch.maxTimestampMs() >= timestampMs && batch.nextOffset() > logStart) {
                    Optional<TimestampAndOffset> found = searchBatch(batch.baseOffset(), timestampMs, logStart);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Optional<TimestampAndOffset> searchBatch(long baseOffset, long timestampMs, long logStart) {
        try {
            byte[] stored = handles.db().get(handles.batches(), key.batchKey(baseOffset));
            // Retention may have deleted the batch since the index was read: it is then below the log start.
            return stored == null ? Optional.empty()
                    : RecordTimestampSearch.firstAtOrAfter(stored, timestampMs, logStart);
        } catch (RocksDBException e) {
            throw handles.writer().readFailed("timestamp lookup in " + key, e);
        } catch (IOException e) {
            // Stored batches were validated at append; one that does not decode is a broken invariant.
            throw new IllegalStateException("stored batch " + baseOffset + " of " + key + " does not decode", e);
        }
    }

    /** The offset of {@link #findOffsetForTimestamp}, or -1 when no batch is that recent. */
    public long offsetForTimestamp(long timestampMs) {
        return findOffsetForTimestamp(timestampMs).map(TimestampAndOffset::offset).orElse(-1L);
    }

    /**
     * Applies retention: asks the pure {@link RetentionPolicy} for a new log start offset, walking the batch
     * index from the oldest batch, and deletes below it.
     *
     * @return whether anything was deleted
     */
    public boolean maybeApplyRetention(LogConfig config, long nowMs) {
        PartitionState seen = state;
        long newStart;
        try (IndexCursor cursor = new IndexCursor(handles, key, seen.logStartOffset())) {
            newStart = RetentionPolicy.newLogStartOffset(cursor, seen.logStartOffset(), seen.sizeBytes(),
                    seen.highWatermark(), config, nowMs);
        }
        return deleteBefore(newStart, true);
    }

    /**
     * Moves the log start offset up to {@code newLogStartOffset} and deletes every batch lying entirely
     * below it. A batch straddling the new start stays (reads begin inside it); the high watermark is raised
     * to the new start if it was below.
     *
     * @return false when {@code newLogStartOffset} is not above the current log start
     * @throws IllegalArgumentException when {@code newLogStartOffset} is above the log end
     */
    public boolean maybeDeleteBefore(long newLogStartOffset) {
        return deleteBefore(newLogStartOffset, false);
    }

    /**
     * @param clampToHighWatermark retention computed its offset from an earlier state; a truncation since
     *     then may have lowered the high watermark, and retention must never delete above it
     */
    private boolean deleteBefore(long requestedLogStartOffset, boolean clampToHighWatermark) {
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            long newLogStartOffset = clampToHighWatermark
                    ? Math.min(requestedLogStartOffset, current.highWatermark()) : requestedLogStartOffset;
            if (newLogStartOffset <= current.logStartOffset()) {
                return false;
            }
            if (newLogStartOffset > current.logEndOffset()) {
                throw new IllegalArgumentException("new log start " + newLogStartOffset + " above log end "
                        + current.logEndOffset() + " in " + key);
            }
            long removedBytes = 0;
            long firstKeptOffset = current.logStartOffset();
            try (IndexCursor cursor = new IndexCursor(handles, key, current.logStartOffset())) {
                while (cursor.hasNext()) {
                    BatchSummary batch = cursor.next();
                    if (batch.nextOffset() > newLogStartOffset) {
                        break;
                    }
                    removedBytes += batch.sizeBytes();
                    firstKeptOffset = batch.nextOffset();
                }
            }
            PartitionState next = current.withLogStart(newLogStartOffset, removedBytes);
            generation++;
            tail = TailBatches.EMPTY;
            state = next;
            // With nothing removed, the batch straddling the new start stays and no range is deleted.
            byte[][] range = removedBytes == 0 ? null : new byte[][] {key.batchKey(0), key.batchKey(firstKeptOffset)};
            writeState(next, range, null);
            highWatermarkDirty = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every batch containing an offset at or above {@code offset}, for a follower whose log diverged
     * from its leader's. A batch straddling {@code offset} goes entirely, as in Kafka, so the new log end may
     * be below {@code offset}; the high watermark and leader-epoch cache are cut back to match, and the producer
     * state is rebuilt from the remaining batches (see {@link ProducerStates#rebuiltAfterTruncation}).
     *
     * @throws IllegalArgumentException when {@code offset} is below the log start
     */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            if (offset >= current.logEndOffset()) {
                return;
            }
            if (offset < current.logStartOffset()) {
                throw new IllegalArgumentException("truncation offset " + offset + " below log start "
                        + current.logStartOffset() + " in " + key);
            }
            long removedBytes = 0;
            long firstRemovedBase = -1;
            try (IndexCursor cursor = new IndexCursor(handles, key, offset)) {
                while (cursor.hasNext()) {
                    BatchSummary batch = cursor.next();
                    firstRemovedBase = firstRemovedBase < 0 ? batch.baseOffset() : firstRemovedBase;
                    removedBytes += batch.sizeBytes();
                }
            }
            if (firstRemovedBase < 0) {
                throw new IllegalStateException("no batch holds offset " + offset + " below log end in " + key);
            }
            long newEnd = Math.max(firstRemovedBase, current.logStartOffset());
            PartitionState next = current.withLogEnd(newEnd, removedBytes);
            // Read before the range is deleted: the producers cut back get their last batches below newEnd back.
            try (StoredBatchesNewestFirst belowNewEnd = new StoredBatchesNewestFirst(handles, key, newEnd)) {
                next = next.withProducers(current.producers().rebuiltAfterTruncation(newEnd, belowNewEnd));
            }
            generation++;
            tail = TailBatches.EMPTY;
            state = next;
            writeState(next, new byte[][] {key.batchKey(firstRemovedBase), key.endKey()}, current.producers());
            highWatermarkDirty = false;
            syncProgress.afterTruncation(newEnd);
            publishSyncProgress();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a batch replicated from the leader, storing {@code storedBatch} byte for byte: its base offset and
     * leader epoch are the leader's, and the leader-epoch cache gains an entry when the batch opens a newer epoch.
     * The caller (the replica fetcher) truncates first when the logs diverged, so the batch must start exactly at
     * the log end. Unlike {@link #append} this leaves the high watermark alone; the follower raises it from the
     * leader's.
     *
     * @param storedBatch a serialized {@code RecordBatchView} as the leader stored it
     * @return where the batch went
     * <p>A batch the leader's cleaner compacted keeps its offset span in {@code last_offset_delta} with fewer
     * records, possibly none; it is stored as it is and moves the log end by its whole span.
     *
     * @throws IllegalArgumentException when the batch does not parse, spans no offset, fails its CRC32C, does not
     *     start at the log end, or carries a leader epoch older than the latest one in the cache
     * @throws PartitionDeletedException when the partition was deleted
     * @throws LogStorageException when RocksDB fails (nothing is appended)
     */
    public AppendResult appendAsFollower(ByteString storedBatch) {
        RecordBatchView batch;
        try {
            // Aliasing: the records stay a slice of storedBatch for the CRC check instead of being copied out.
            com.google.protobuf.CodedInputStream in = storedBatch.newCodedInput();
            in.enableAliasing(true);
            batch = RecordBatchView.parseFrom(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("replicated batch does not parse in " + key, e);
        }
        RecordBatchHeader header = batch.getHeader();
        // Compaction keeps a batch's offset span but may drop records, down to none (see PartitionCompactor), so
        // the span comes from last_offset_delta when it is set and the record count only bounds it.
        long span = header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1L : header.getRecordCount();
        if (span < 1 || header.getRecordCount() < 0 || header.getRecordCount() > span) {
            throw new IllegalArgumentException("replicated batch with " + header.getRecordCount()
                    + " records over " + span + " offsets in " + key);
        }
        if (header.hasCrc32C() && header.getCrc32C() != BatchChecksum.crc32c(batch)) {
            throw new IllegalArgumentException("replicated batch at " + header.getBaseOffset() + " fails its CRC in "
                    + key);
        }
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            long baseOffset = header.getBaseOffset();
            if (baseOffset != current.logEndOffset()) {
                throw new IllegalArgumentException("replicated batch at " + baseOffset + " but the log end is "
                        + current.logEndOffset() + " in " + key);
            }
            if (header.getLeaderEpoch() < current.latestEpoch()) {
                throw new IllegalArgumentException("replicated batch of epoch " + header.getLeaderEpoch()
                        + " after epoch " + current.latestEpoch() + " in " + key);
            }
            byte[] stored = storedBatch.toByteArray();
            BatchSummary summary = new BatchSummary(baseOffset, baseOffset + span, header.getMaxTimestampMs(),
                    stored.length);
            PartitionState next = current.withAppend(summary.nextOffset(), stored.length, header.getLeaderEpoch(),
                    baseOffset);
            // The leader's append time stands for the clock here, so replicas expire the same producers.
            List<Long> expired = dueExpiredProducers(next.producers(), header.getAppendTimeMs());
            next = next.withProducers(next.producers().without(expired));
            if (header.getProducerId() > 0) {
                // A follower keeps the producers' state as the leader does, so that after it becomes leader a
                // retry of a batch it already holds is answered as a duplicate rather than appended twice.
                // The span is the batch's record count as appended, before any compaction.
                next = next.withProducers(next.producers().withBatch(header.getProducerId(),
                        header.getProducerEpoch(), header.getBaseSequence(), Math.toIntExact(span), baseOffset,
                        header.getAppendTimeMs()));
            }
            writeBatchAndState(stored, summary, next, span, "follower append", header.getProducerId(), expired);
            return new AppendResult(baseOffset, summary.lastOffset(), header.getAppendTimeMs(),
                    next.logStartOffset());
        } finally {
            lock.unlock();
        }
    }

    /** {@link #appendAsFollower(ByteString)} for a parsed batch (re-serialized; protobuf keeps it identical). */
    public AppendResult appendAsFollower(RecordBatchView batch) {
        return appendAsFollower(batch.toByteString());
    }

    /**
     * Deletes every batch and restarts the log, empty, at {@code newOffset} (log start = log end = high watermark),
     * with an empty leader-epoch cache. For a follower that fell below its leader's log start, as Kafka's
     * {@code truncateFullyAndStartAt}.
     */
    public void truncateFullyAndStartAt(long newOffset) {
        if (newOffset < 0) {
            throw new IllegalArgumentException("negative offset " + newOffset + " for " + key);
        }
        lock.lock();
        try {
            checkNotDeleted();
            ProducerStates producersBefore = state.producers();
            PartitionState next = new PartitionState(newOffset, newOffset, newOffset, 0, List.of());
            tail = TailBatches.EMPTY;
            state = next;
            writeState(next, new byte[][] {key.batchKey(0), key.endKey()}, producersBefore);
            highWatermarkDirty = false;
            syncProgress.afterReset(newOffset);
            publishSyncProgress();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Compacts the batches below the high watermark (see {@link PartitionCompactor}); called by the
     * {@link LogCleaner}'s thread. Reads without the lock; only the final write takes it.
     */
    public PartitionCompactor.Result compact(long deleteRetentionMs, long nowMs) {
        checkNotDeleted();
        return PartitionCompactor.compact(this, handles, deleteRetentionMs, nowMs);
    }

    long generation() {
        return generation;
    }

    /**
     * Stores rewritten batches (same keys, same offset spans, fewer bytes) with their index entries and the new
     * size in one {@code WriteBatch}.
     *
     * @return false, writing nothing, when batches were removed since {@code expectedGeneration} was read (retention
     *     or truncation raced the cleaner) or a rewritten batch is no longer below the high watermark
     */
    boolean applyCompaction(long expectedGeneration, List<PartitionCompactor.Rewrite> rewrites) {
        lock.lock();
        try {
            checkNotDeleted();
            PartitionState current = state;
            PartitionCompactor.Rewrite first = rewrites.get(0);
            PartitionCompactor.Rewrite last = rewrites.get(rewrites.size() - 1);
            if (generation != expectedGeneration || first.baseOffset() < current.logStartOffset()
                    || last.nextOffset() > current.highWatermark()) {
                return false;
            }
            long removedBytes = 0;
            try (WriteBatch writes = new WriteBatch()) {
                for (PartitionCompactor.Rewrite rewrite : rewrites) {
                    byte[] batchKey = key.batchKey(rewrite.baseOffset());
                    writes.put(handles.batches(), batchKey, rewrite.stored());
                    writes.put(handles.index(), batchKey, new BatchSummary(rewrite.baseOffset(), rewrite.nextOffset(),
                            rewrite.maxTimestampMs(), rewrite.stored().length).encodeValue());
                    removedBytes += rewrite.oldSizeBytes() - rewrite.stored().length;
                }
                PartitionState next = current.withCompacted(removedBytes);
                writes.put(handles.state(), stateKey, next.encode());
                tail = TailBatches.EMPTY;  // it may hold batches rewritten here
                handles.writer().write(writes, "compaction write of " + key);
                state = next;
                highWatermarkDirty = false;
            } catch (RocksDBException e) {
                throw new LogStorageException("compaction write of " + key + " failed", e);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Called by the store with no lock held; afterwards every mutation throws. */
    void markDeleted() {
        lock.lock();
        try {
            deleted = true;
            tail = TailBatches.EMPTY;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code next} and, when {@code deleteRange} is given ([begin, end) batch keys), deletes that range.
     *
     * @param producersBefore the producers as stored before, when this change may alter them (every producer that
     *     differs in {@code next} is written or deleted); null when it leaves them alone
     */
    private void writeState(PartitionState next, byte[][] deleteRange, ProducerStates producersBefore) {
        try (WriteBatch writes = new WriteBatch()) {
            if (deleteRange != null) {
                writes.deleteRange(handles.batches(), deleteRange[0], deleteRange[1]);
                writes.deleteRange(handles.index(), deleteRange[0], deleteRange[1]);
            }
            if (producersBefore != null) {
                writeProducerChanges(writes, producersBefore, next.producers());
            }
            writes.put(handles.state(), stateKey, next.encode());
            handles.writer().write(writes, "state write for " + key);
        } catch (RocksDBException e) {
            throw new LogStorageException("state write for " + key + " failed", e);
        }
    }

    private void writeProducerChanges(WriteBatch writes, ProducerStates before, ProducerStates after)
            throws RocksDBException {
        for (Long id : before.producers().keySet()) {
            if (after.entry(id) == null) {
                writes.delete(handles.producers(), key.producerKey(id));
            }
        }
        for (java.util.Map.Entry<Long, ProducerStates.Entry> producer : after.producers().entrySet()) {
            if (!producer.getValue().equals(before.entry(producer.getKey()))) {
                writes.put(handles.producers(), key.producerKey(producer.getKey()),
                        ProducerStates.encode(producer.getKey(), producer.getValue()).toByteArray());
            }
        }
    }

    private void checkNotDeleted() {
        if (deleted) {
            throw new PartitionDeletedException(key);
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + key + ", " + state + ")";
    }
}
