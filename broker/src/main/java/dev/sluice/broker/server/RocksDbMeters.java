package dev.sluice.broker.server;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.LogSyncer;
import dev.sluice.broker.metrics.NodeMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Exposes the partition store's RocksDB statistics: every ticker as {@code sluice_rocksdb_ticker{name=...}}, a few
 * size properties as {@code sluice_rocksdb_property{name=...}}, and by name the figures an alert needs (compaction
 * pending, writes stopped or delayed); plus the syncer's fsyncs. Values are read at scrape time.
 */
final class RocksDbMeters {
    private static final List<String> PROPERTIES = List.of(
            "rocksdb.estimate-num-keys",
            "rocksdb.total-sst-files-size",
            "rocksdb.cur-size-all-mem-tables",
            "rocksdb.estimate-pending-compaction-bytes",
            "rocksdb.num-running-compactions",
            "rocksdb.block-cache-usage");

    private RocksDbMeters() {
    }

    /**
     * A histogram of fsync durations, fed by the syncer ({@link LogSyncer}'s {@code onSync}). A slow disk shows here
     * before it shows in produce latency, and with buckets its p99 can be compared across brokers.
     */
    static LongConsumer fsyncTimer(MeterRegistry registry) {
        Timer timer = NodeMetrics.latencyTimer("sluice.log.fsync.duration",
                        "duration of each fsync of the partition store's write-ahead log (one fsync may cover many"
                                + " appends of many partitions)")
                .register(registry);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The group commit's fsyncs: how many (their durations come through {@link #fsyncTimer}). */
    static void bindSyncer(MeterRegistry registry, LogSyncer syncer) {
        FunctionCounter.builder("sluice.log.fsyncs", syncer, LogSyncer::syncCount)
                .description("fsyncs of the partition store's write-ahead log (each may cover many appends)")
                .register(registry);
    }

    static void bind(MeterRegistry registry, LogStore store) {
        for (String ticker : store.statistics().keySet()) {
            Gauge.builder("sluice.rocksdb.ticker", store, s -> s.ticker(ticker))
                    .description("a RocksDB statistics ticker of the partition store (a count since the store opened;"
                            + " name is RocksDB's TickerType)")
                    .tag("name", ticker).register(registry);
        }
        for (String property : PROPERTIES) {
            Gauge.builder("sluice.rocksdb.property", store, s -> s.property(property))
                    .description("a RocksDB integer property of the partition store, summed over its column families"
                            + " (name is the RocksDB property)")
                    .tag("name", property).register(registry);
        }
        bindStalls(registry, store);
    }

    /**
     * What an operator alerts on when RocksDB falls behind: compactions waiting, and writes stopped or slowed.
     * Named meters rather than more {@code name} values of the property gauge, so that alert rules and HELP texts
     * can speak of them directly.
     */
    private static void bindStalls(MeterRegistry registry, LogStore store) {
        Gauge.builder("sluice.rocksdb.compaction.pending", store, s -> s.property("rocksdb.compaction-pending"))
                .description("column families of the partition store with a compaction pending"
                        + " (rocksdb.compaction-pending, summed); lasting values mean compaction falls behind writes")
                .register(registry);
        Gauge.builder("sluice.rocksdb.write.stopped", store, s -> s.databaseProperty("rocksdb.is-write-stopped"))
                .description("1 while RocksDB stops the partition store's writes (rocksdb.is-write-stopped: too many"
                        + " L0 files, memtables or pending compaction bytes), else 0")
                .register(registry);
        Gauge.builder("sluice.rocksdb.delayed.write.rate", store,
                        s -> s.databaseProperty("rocksdb.actual-delayed-write-rate"))
                .description("the rate RocksDB slows the partition store's writes to, in bytes per second"
                        + " (rocksdb.actual-delayed-write-rate); 0 while writes are not delayed")
                .baseUnit("bytes_per_second")
                .register(registry);
    }
}
