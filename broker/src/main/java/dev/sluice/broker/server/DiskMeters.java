package dev.sluice.broker.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free and total space of the volume holding the node's data directory ({@code sluice_disk_free_bytes},
 * {@code sluice_disk_total_bytes}), read at scrape time. A full data volume stops the partition store and the Raft
 * log, so this is what a disk-nearly-full alert watches.
 */
final class DiskMeters {
    private DiskMeters() {
    }

    static void bind(MeterRegistry registry, Path dataDir) {
        Gauge.builder("sluice.disk.free", dataDir, dir -> read(dir, FileStore::getUsableSpace))
                .strongReference(true)
                .description("bytes usable by the node on the volume of its data directory (data.dir)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("sluice.disk.total", dataDir, dir -> read(dir, FileStore::getTotalSpace))
                .strongReference(true)
                .description("size in bytes of the volume of the node's data directory (data.dir)")
                .baseUnit("bytes")
                .register(registry);
    }

    /** NaN when the volume cannot be read: Prometheus shows no value rather than a made-up one. */
    private static double read(Path dir, SpaceFigure figure) {
        try {
            return figure.of(Files.getFileStore(dir));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @FunctionalInterface
    private interface SpaceFigure {
        long of(FileStore store) throws IOException;
    }
}
