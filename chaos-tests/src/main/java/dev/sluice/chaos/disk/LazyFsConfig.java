package dev.sluice.chaos.disk;

import java.nio.file.Path;

/**
 * The TOML configuration of one LazyFS mount (pure). LazyFS reads commands from {@code faultsFifo} and, when
 * {@code doneFifo} is set, writes {@code finished::clear-cache} there once a clear-cache command has completed, which
 * is how the harness knows the unsynced data is gone before it restarts the node.
 *
 * <p>The cache holds {@code cacheMegabytes} of file data without eviction (as Jepsen configures it): unsynced data
 * stays until an fsync or a clear-cache. Should it fill, LazyFS writes further data straight through to the backing
 * directory (a write never fails for it), which only makes less data losable.
 */
public final class LazyFsConfig {
    public static final int CACHE_MEGABYTES = 512;

    private LazyFsConfig() {
    }

    public static String toml(Path faultsFifo, Path doneFifo, int cacheMegabytes) {
        if (cacheMegabytes <= 0) {
            throw new IllegalArgumentException("LazyFS cache size must be positive, got " + cacheMegabytes + " MB");
        }
        return String.join("\n",
                "[faults]",
                "fifo_path=" + quoted(faultsFifo),
                "fifo_path_completed=" + quoted(doneFifo),
                "",
                "[cache]",
                "apply_eviction=false",
                "",
                "[cache.simple]",
                "custom_size=\"" + cacheMegabytes + "mb\"",
                "blocks_per_page=1",
                "",
                "[filesystem]",
                "log_all_operations=false",
                "logfile=\"\"",
                "");
    }

    /** A TOML basic string: backslashes and quotes escaped; control characters are refused. */
    static String quoted(Path path) {
        String text = path.toString();
        if (text.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("path with a control character cannot go in a LazyFS config: " + text);
        }
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
