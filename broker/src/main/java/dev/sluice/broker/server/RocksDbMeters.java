package dev.sluice.broker.server;

import dev.sluice.broker.log.LogStore;
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
