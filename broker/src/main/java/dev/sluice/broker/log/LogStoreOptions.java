package dev.sluice.broker.log;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB settings of a {@link LogStore}, and the native objects holding them, which must outlive the
 * database and be closed after it.
 *
 * <p>Tuned for an append-mostly workload that reads recent data sequentially:
 * <ul>
 *   <li>batches: large write buffers (few, large flushes), 64 KiB blocks (values are whole batches and reads
 *       are range scans, so large blocks cost nothing), no RocksDB compression (a batch is stored as its producer
 *       compressed it, as in Kafka), level compaction with dynamic level sizes so space amplification stays
 *       bounded while retention deletes old ranges;</li>
 *   <li>batch index, partition state and producer state: small values read often, so small blocks and small
 *       buffers, LZ4;</li>
 *   <li>one LRU block cache shared by the families, for index and small-value blocks: fetches read
 *       batches past it ({@link PartitionLog#read}), leaving old batches to the OS page cache as Kafka does;</li>
 *   <li>WAL on and no fsync per write, like Kafka: an OS crash may lose the latest appends, which replication
 *       makes good; a topic that asks for durable acknowledgements gets group-committed WAL fsyncs
 *       ({@link LogSyncer}). Point-in-time WAL recovery (RocksDB's default): a torn tail after a power cut is
 *       dropped, and so is everything after a damaged record;</li>
 *   <li>paranoid checks and checksum verification on every read (RocksDB's defaults, set explicitly): damage is
 *       reported, never served;</li>
 *   <li>Statistics on (except the costly timers) so the node can export tickers as metrics.</li>
 * </ul>
 * Not thread-safe to build; owned by the {@link LogStore} that created it.
 */
final class LogStoreOptions implements AutoCloseable {

    static final String BATCHES_FAMILY = "batches";
    static final String INDEX_FAMILY = "batch-index";
    static final String STATE_FAMILY = "partition-state";
    static final String PRODUCER_FAMILY = "producer-state";

    private static final long BLOCK_CACHE_BYTES = 128L * 1024 * 1024;
    private static final long BATCHES_WRITE_BUFFER_BYTES = 64L * 1024 * 1024;
    private static final long SMALL_WRITE_BUFFER_BYTES = 8L * 1024 * 1024;

    final Statistics statistics = new Statistics();
    final DBOptions dbOptions = new DBOptions();
    final WriteOptions writeOptions = new WriteOptions();
    /** For the rare writes that must be on disk when they return (the store id). */
    final WriteOptions syncedWriteOptions = new WriteOptions().setSync(true);
    private final LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();

    LogStoreOptions() {
        statistics.setStatsLevel(StatsLevel.EXCEPT_TIME_FOR_MUTEX);
        dbOptions.setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setStatistics(statistics)
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(1024 * 1024)
                .setWalBytesPerSync(1024 * 1024)
                .setKeepLogFileNum(5);
        // Durability comes from the WAL plus replication, not from fsync per append.
        writeOptions.setSync(false).setDisableWAL(false);
        dbOptions.setParanoidChecks(true);
    }

    /** Descriptors for the default family (unused, but RocksDB requires it) and the four log families. */
    List<ColumnFamilyDescriptor> families() {
        return List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallFamily()),
                new ColumnFamilyDescriptor(bytes(BATCHES_FAMILY), batchesFamily()),
                new ColumnFamilyDescriptor(bytes(INDEX_FAMILY), smallFamily()),
                new ColumnFamilyDescriptor(bytes(STATE_FAMILY), smallFamily()),
                new ColumnFamilyDescriptor(bytes(PRODUCER_FAMILY), smallFamily()));
    }

    private ColumnFamilyOptions batchesFamily() {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setBlockSize(64 * 1024);
        ColumnFamilyOptions options = new ColumnFamilyOptions()
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setWriteBufferSize(BATCHES_WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(3)
                .setTargetFileSizeBase(BATCHES_WRITE_BUFFER_BYTES)
                .setMaxBytesForLevelBase(4 * BATCHES_WRITE_BUFFER_BYTES)
                // Stored as the producer compressed them, as Kafka stores batches (compression.type=producer).
                // LZ4 here cost the flush and every compaction rewrite CPU for batches that were either already
                // compressed or, in the perf workloads, random letters it could not shrink (docs/performance.md).
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setTableFormatConfig(table);
        familyOptions.add(options);
        return options;
    }

    private ColumnFamilyOptions smallFamily() {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setBlockSize(4 * 1024);
        ColumnFamilyOptions options = new ColumnFamilyOptions()
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setWriteBufferSize(SMALL_WRITE_BUFFER_BYTES)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table);
        familyOptions.add(options);
        return options;
    }

    static byte[] bytes(String familyName) {
        return familyName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        writeOptions.close();
        syncedWriteOptions.close();
        dbOptions.close();
        familyOptions.forEach(ColumnFamilyOptions::close);
        blockCache.close();
        statistics.close();
    }
}
