package dev.sluice.broker.server;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.LogSyncer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Exposes the partition store's RocksDB statistics: every ticker as {@code sluice_rocksdb_ticker{name=...}} and a
 * few size properties as {@code sluice_rocksdb_property{name=...}}. Values are read at scrape time.
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

    /** The group commit's fsyncs: how many, and the time spent in them. */
    static void bindSyncer(MeterRegistry registry, LogSyncer syncer) {
        FunctionCounter.builder("sluice.log.fsyncs", syncer, LogSyncer::syncCount)
                .description("fsyncs of the partition store's write-ahead log (each may cover many appends)")
                .register(registry);
        FunctionCounter.builder("sluice.log.fsync.seconds", syncer, s -> s.syncNanos() / 1e9)
                .description("time spent in fsyncs of the partition store's write-ahead log").register(registry);
    }

    static void bind(MeterRegistry registry, LogStore store) {
        for (String ticker : store.statistics().keySet()) {
            Gauge.builder("sluice.rocksdb.ticker", store, s -> s.statistics().getOrDefault(ticker, 0L))
                    .tag("name", ticker).register(registry);
        }
        for (String property : PROPERTIES) {
            Gauge.builder("sluice.rocksdb.property", store, s -> s.property(property))
                    .tag("name", property).register(registry);
        }
    }
}
