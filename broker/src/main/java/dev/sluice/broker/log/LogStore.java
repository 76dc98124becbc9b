package dev.sluice.broker.log;

import dev.sluice.fault.FaultHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every partition log of one broker data directory, in a single RocksDB instance with four column families:
 * {@code batches} (batch key → stored {@code RecordBatchView}), {@code batch-index} (batch key →
 * {@link BatchSummary}), {@code partition-state} (20-byte prefix → {@link PartitionState} without its producers)
 * and {@code producer-state} (prefix + producer id → that producer's entry of {@link ProducerStates}). See
 * {@link PartitionKey} for the key layout and {@link LogStoreOptions} for the tuning.
 *
 * <p>Threads: thread-safe. {@link #partition} and {@link #deletePartition} may race freely; the partition map
 * is concurrent and each {@link PartitionLog} has its own lock, so there is no lock across partitions.
 * {@link #close} must come after every request-path call has returned; background passes (retention, the cleaner,
 * high-watermark checkpoints) go through {@link #runWhileOpen}, so {@code close} waits for a running pass and
 * later passes do nothing (a RocksDB call on a closed database crashes the JVM).
 *
 * <p>Invariant: the map holds exactly the partitions with a stored state (loaded eagerly at open, written at
 * creation), so a reopened store lists the same partitions with the same state.
 */
public final class LogStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final LogStoreOptions options;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> familyHandles;
    private final StoreHandles handles;
    private final ConcurrentMap<PartitionKey, PartitionLog> partitions = new ConcurrentHashMap<>();
    /** Shared by the partitions' newest batches in memory. */
    private final TailBudget tailBudget = new TailBudget(TailBudget.DEFAULT_TOTAL_BYTES);
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** Set when {@link #close} starts, so long background passes can stop early. */
    private volatile boolean closing;
    private java.util.UUID storeId;
    private boolean rebuiltAfterDamage;
    /** Guarded by {@link #lifecycle}. */
    private boolean closed;

    private LogStore(Path dir, LogStoreOptions options, RocksDB db, List<ColumnFamilyHandle> familyHandles,
                     StoreWriter writer) {
        this.dir = dir;
        this.options = options;
        this.db = db;
        this.familyHandles = familyHandles;
        this.handles = new StoreHandles(db, familyHandles.get(1), familyHandles.get(2), familyHandles.get(3),
                familyHandles.get(4), writer);
    }

    /**
     * {@link #open(Path, FaultHandler)} for tools and tests that handle {@link LogStorageException} themselves: a
     * failed write is only logged here, the store still refuses every later write.
     */
    public static LogStore open(Path dir) {
        return open(dir, (message, cause) -> log.error("Log store in {}: {}", dir, message, cause));
    }

    /**
     * Opens (creating if needed) the store in {@code dir} and loads every partition's state.
     *
     * @param faultHandler told once about the first failed write (see {@link StoreWriter}); the node's stops it
     * @throws LogStorageException when RocksDB cannot open the directory or the state is unreadable
     */
    public static LogStore open(Path dir, FaultHandler faultHandler) {
        return open(dir, faultHandler, WriteSink.ROCKSDB);
    }

    /** {@link #open(Path, FaultHandler)} writing through {@code sink}, where tests put a failing disk. */
    public static LogStore open(Path dir, FaultHandler faultHandler, WriteSink sink) {
        return open(dir, faultHandler, sink, StoreIntegrity.VerifyOnOpen.AFTER_UNCLEAN_SHUTDOWN);
    }

    /**
     * Opens the store, first checking its SST files when {@code verify} says so (see {@link StoreIntegrity}). A
     * store found damaged is never used: it is moved aside, whole, to {@code <dir>.damaged-<epoch ms>} (kept for an
     * operator to salvage from; nothing is deleted), and an empty store with a new {@link #storeId} takes its place.
     * The node registers that new id, so the controller takes the broker out of every ISR until replication has
     * refilled its partitions from their leaders; {@link #rebuiltAfterDamage} says it happened.
     */
    public static LogStore open(Path dir, FaultHandler faultHandler, WriteSink sink,
                                StoreIntegrity.VerifyOnOpen verify) {
        boolean clean;
        try {
            Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
            clean = StoreIntegrity.takeCleanShutdownMarker(dir);
        } catch (java.io.IOException e) {
            throw new LogStorageException("cannot prepare log store in " + dir, e);
        }
        boolean check = verify == StoreIntegrity.VerifyOnOpen.ALWAYS
                || verify == StoreIntegrity.VerifyOnOpen.AFTER_UNCLEAN_SHUTDOWN && !clean;
        LogStore store;
        try {
            store = openDatabase(dir, faultHandler, sink);
        } catch (LogStorageException e) {
            // A damaged block that RocksDB reads while opening (an SST's footer, index or properties, seen after a
            // flipped bit in the chaos suite) fails the open itself, before any verification could run.
            if (verify == StoreIntegrity.VerifyOnOpen.NEVER || !isCorruption(e)) {
                throw e;
            }
            return rebuild(dir, faultHandler, sink, List.of(String.valueOf(e.getCause().getMessage())));
        }
        if (check) {
            List<String> damaged = StoreIntegrity.damagedFiles(store.db, dir);
            if (!damaged.isEmpty()) {
                store.closeWithoutMarker();
                return rebuild(dir, faultHandler, sink, damaged);
            }
        }
        return store;
    }

    private static boolean isCorruption(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RocksDBException rocks && rocks.getStatus() != null
                    && rocks.getStatus().getCode() == org.rocksdb.Status.Code.Corruption) {
                return true;
            }
        }
        return false;
    }

    /** Moves the damaged store in {@code dir} aside, whole, and opens an empty one with a new store id there. */
    private static LogStore rebuild(Path dir, FaultHandler faultHandler, WriteSink sink, List<String> damaged) {
        Path aside = dir.resolveSibling(dir.getFileName() + ".damaged-" + System.currentTimeMillis());
        log.error("The log store in {} is damaged ({}); it is moved to {} and the broker starts with an empty store, "
                + "refilled from the partitions' leaders. Partitions with no other in-sync replica lose what only this "
                + "broker held.", dir, damaged, aside);
        try {
            Files.move(dir, aside);
        } catch (java.io.IOException e) {
            throw new LogStorageException("cannot move the damaged log store " + dir + " aside", e);
        }
        LogStore fresh = openDatabase(dir, faultHandler, sink);
        fresh.rebuiltAfterDamage = true;
        return fresh;
    }

    private static LogStore openDatabase(Path dir, FaultHandler faultHandler, WriteSink sink) {
        LogStoreOptions options = new LogStoreOptions();
        List<ColumnFamilyHandle> familyHandles = new ArrayList<>();
        RocksDB db;
        try {
            Files.createDirectories(dir);
            db = RocksDB.open(options.dbOptions, dir.toString(), options.families(), familyHandles);
        } catch (RocksDBException | java.io.IOException e) {
            options.close();
            throw new LogStorageException("cannot open log store in " + dir, e);
        }
        LogStore store = new LogStore(dir, options, db, familyHandles,
                new StoreWriter(db, options.writeOptions, sink, faultHandler));
        try {
            store.storeId = StoreIds.loadOrCreate(db, options.syncedWriteOptions);
            store.loadPartitions();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        log.info("Opened log store in {} with {} partitions (store id {})", dir, store.partitions.size(),
                store.storeId);
        return store;
    }

    /**
     * The identity of this store's data: created with the store and kept in it, so a broker whose data directory was
     * wiped, replaced or rebuilt after damage comes back with a new one. The controller uses it to tell a broker
     * that still has its partitions' data from one that lost it.
     */
    public java.util.UUID storeId() {
        return storeId;
    }

    /** Whether this store replaced one found damaged at open. */
    public boolean rebuiltAfterDamage() {
        return rebuiltAfterDamage;
    }

    private void loadPartitions() {
        StoredPartitionStates.load(handles, dir).forEach((key, state) ->
                partitions.put(key, new PartitionLog(key, handles, tailBudget, state)));
        tailBudget.partitionCountChanged(partitions.size());
    }

    /** The log of {@code key}, created (empty, starting at offset 0, and persisted) if it does not exist. */
    public PartitionLog partition(PartitionKey key) {
        return partitions.computeIfAbsent(key, this::create);
    }

    /** The log of {@code key} if this store has one; never creates it. */
    public java.util.Optional<PartitionLog> findPartition(PartitionKey key) {
        return java.util.Optional.ofNullable(partitions.get(key));
    }

    private PartitionLog create(PartitionKey key) {
        try (WriteBatch writes = new WriteBatch()) {
            writes.put(handles.state(), key.prefix(), PartitionState.EMPTY.encode());
            handles.writer().write(writes, "creation of partition " + key);
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot create partition " + key, e);
        }
        log.info("Created partition log {}", key);
        tailBudget.partitionCountChanged(partitions.size() + 1);  // called inside computeIfAbsent: not in the map yet
        return new PartitionLog(key, handles, tailBudget, PartitionState.EMPTY);
    }

    /**
     * Deletes a partition's batches, index and state with one atomic write. Afterwards the old
     * {@link PartitionLog} refuses mutations and {@link #partition} creates a fresh, empty log. A no-op
     * for an unknown partition.
     */
    public void deletePartition(PartitionKey key) {
        // Deleting inside compute() holds the map's lock for this key only, so a concurrent partition(key)
        // cannot recreate the state between our removal and the range delete.
        partitions.compute(key, (k, removed) -> {
            if (removed != null) {
                removed.markDeleted();
            }
            deleteStoredPartition(k);
            return null;
        });
        tailBudget.partitionCountChanged(partitions.size());
        log.info("Deleted partition log {}", key);
    }

    private void deleteStoredPartition(PartitionKey key) {
        byte[] begin = key.batchKey(0);
        byte[] end = key.endKey();
        try (WriteBatch writes = new WriteBatch()) {
            writes.deleteRange(handles.batches(), begin, end);
            writes.deleteRange(handles.index(), begin, end);
            writes.delete(handles.state(), key.prefix());
            writes.deleteRange(handles.producers(), begin, end);
            handles.writer().write(writes, "deletion of partition " + key);
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot delete partition " + key, e);
        }
    }

    /** For tests of the stored layout. */
    StoreHandles handles() {
        return handles;
    }

    /** A live, unmodifiable view of the open partitions. */
    public Collection<PartitionLog> partitions() {
        return Collections.unmodifiableCollection(partitions.values());
    }

    /**
     * A RocksDB integer property summed over the column families, e.g. {@code rocksdb.total-sst-files-size},
     * {@code rocksdb.estimate-live-data-size} or {@code rocksdb.cur-size-all-mem-tables}.
     */
    public long property(String rocksDbProperty) {
        try {
            return db.getAggregatedLongProperty(rocksDbProperty);
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot read property " + rocksDbProperty, e);
        }
    }

    /**
     * A RocksDB integer property of the database as a whole rather than of a column family, e.g.
     * {@code rocksdb.is-write-stopped} or {@code rocksdb.actual-delayed-write-rate} (summing these over the column
     * families would count the one database-wide value once per family).
     */
    public long databaseProperty(String rocksDbProperty) {
        try {
            return db.getLongProperty(rocksDbProperty);
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot read property " + rocksDbProperty, e);
        }
    }

    /** One statistics ticker by its RocksDB name (e.g. {@code BYTES_WRITTEN}): reads only that one counter. */
    public long ticker(String name) {
        return options.statistics.getTickerCount(TickerType.valueOf(name));
    }

    /** Every RocksDB statistics ticker by its RocksDB name (e.g. {@code BYTES_WRITTEN}), for metrics. */
    public Map<String, Long> statistics() {
        Map<String, Long> tickers = new LinkedHashMap<>();
        for (TickerType ticker : TickerType.values()) {
            if (ticker != TickerType.TICKER_ENUM_MAX) {
                tickers.put(ticker.name(), options.statistics.getTickerCount(ticker));
            }
        }
        return tickers;
    }

    /**
     * Writes the high watermark of every partition whose in-memory value is ahead of its checkpoint. The node
     * schedules this (Kafka's {@code replica.high.watermark.checkpoint.interval.ms}, 5 s) so that a restart
     * does not lose much high-watermark progress on partitions that stopped receiving appends.
     */
    public void checkpointHighWatermarks() {
        runWhileOpen(this::checkpointAll);
    }

    /**
     * Runs a background pass unless the store is closed or closing; {@link #close} waits for a running one.
     *
     * @return whether it ran
     */
    boolean runWhileOpen(Runnable pass) {
        if (closing) {
            return false;
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            pass.run();
            return true;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Fsyncs the write-ahead log shared by every partition: each write that returned before this call is durable
     * when it returns. Callers wanting group commit go through a {@link LogSyncer}.
     *
     * @return false when the store is closing or closed (its close syncs what it can)
     * @throws LogStorageException when the sync fails (reported to the fault handler, which stops the node)
     */
    boolean syncWal() {
        return runWhileOpen(() -> handles.writer().sync("sync of the log store in " + dir));
    }

    /** Writes every memtable out to SST files and waits: for tests that need the data in SST files. */
    void flushMemTablesForTest() {
        try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, familyHandles);
        } catch (RocksDBException e) {
            throw new LogStorageException("flush failed", e);
        }
    }

    /** Rewrites every SST file of every column family, making every file there was obsolete. */
    void compactForTest() {
        try (org.rocksdb.CompactRangeOptions rewriteAll = new org.rocksdb.CompactRangeOptions()
                .setBottommostLevelCompaction(org.rocksdb.CompactRangeOptions.BottommostLevelCompaction.kForce)) {
            for (ColumnFamilyHandle family : familyHandles) {
                db.compactRange(family, null, null, rewriteAll);
            }
        } catch (RocksDBException e) {
            throw new LogStorageException("compaction failed", e);
        }
    }

    /** {@link StoreIntegrity#damagedFiles(RocksDB, Path, Runnable)} of this open store. */
    List<String> damagedFilesForTest(Runnable afterListing) {
        return StoreIntegrity.damagedFiles(db, dir, afterListing);
    }

    /** Whether {@link #close} has started; a long background pass checks it between partitions. */
    boolean isClosing() {
        return closing;
    }

    private void checkpointAll() {
        if (handles.writer().isFailed()) {
            return;  // reported once already; the store takes no more writes
        }
        for (PartitionLog partition : partitions.values()) {
            try {
                partition.checkpointHighWatermark();
            } catch (LogStorageException e) {
                log.warn("Could not checkpoint the high watermark of {}", partition.key(), e);
            }
        }
    }

    /**
     * Checkpoints every partition's high watermark, closes RocksDB and its native options, and records a clean
     * shutdown unless a write failed (then the next open verifies the store).
     */
    @Override
    public void close() {
        if (closeWithoutMarker() && !handles.writer().isFailed()) {
            try {
                StoreIntegrity.markCleanShutdown(dir);
            } catch (java.io.IOException e) {
                log.warn("Could not record the clean shutdown of {}; the next start verifies it", dir, e);
            }
        }
    }

    /** Closes without recording a clean shutdown; returns whether this call closed it. */
    private boolean closeWithoutMarker() {
        closing = true;
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            closeDatabase();
            return true;
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeDatabase() {
        checkpointAll();
        try {
            if (!handles.writer().isFailed()) {
                db.syncWal();
            }
        } catch (RocksDBException e) {
            log.warn("Could not sync the WAL of {} at close", dir, e);
        }
        familyHandles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
        log.info("Closed log store in {}", dir);
    }
}
