package dev.sluice.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link LogStore} checks about its directory when it opens, before it serves anything:
 * <ul>
 *   <li>whether the last run shut down cleanly: a marker file beside the directory, written (and synced) by
 *       {@link LogStore#close} and removed at open, so a crash, a kill or a power cut leaves none;</li>
 *   <li>after an unclean shutdown (or always, if configured), the block checksums of every live SST file, read in
 *       full, so that a flipped bit found only when a consumer reads old data months later is found now instead.
 *       RocksDB checks these checksums on every read too; this finds damage before the node rejoins its
 *       partitions.</li>
 * </ul>
 * Static helpers; the caller owns the database. Units: bytes, milliseconds.
 */
public final class StoreIntegrity {

    private static final Logger log = LoggerFactory.getLogger(StoreIntegrity.class);

    /** When the SST checksums are verified at open. */
    public enum VerifyOnOpen {
        /** Only when the marker of a clean shutdown is missing (the default). */
        AFTER_UNCLEAN_SHUTDOWN,
        ALWAYS,
        NEVER
    }

    private StoreIntegrity() {
    }

    static Path cleanShutdownMarker(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".clean-shutdown");
    }

    /**
     * Whether the previous run closed the store cleanly; removes the marker (durably), so that if this run crashes
     * the next one knows.
     */
    static boolean takeCleanShutdownMarker(Path dir) throws IOException {
        Path marker = cleanShutdownMarker(dir);
        if (!Files.exists(marker)) {
            return false;
        }
        Files.delete(marker);
        syncDirectory(marker.getParent());
        return true;
    }

    /** Records a clean shutdown: the file and the directory entry are synced. */
    static void markCleanShutdown(Path dir) throws IOException {
        Path marker = cleanShutdownMarker(dir);
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        syncDirectory(marker.getParent());
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Reads every live SST file of {@code db} in full and checks its block checksums; returns the damaged files with
     * what RocksDB said about each, empty when all are sound. Logs its progress: on a large store this reads every
     * byte.
     */
    static List<String> damagedFiles(RocksDB db, Path dir) {
        return damagedFiles(db, dir, () -> { });
    }

    /**
     * As {@link #damagedFiles(RocksDB, Path)}; {@code afterListing} runs once the live files are listed, before any
     * is read (tests compact there).
     *
     * <p>The database is open and may compact meanwhile (it does after an unclean shutdown left several L0 files):
     * file deletions stay disabled until every listed file was read, or a file compacted away after the listing
     * would be reported missing and a sound store rebuilt empty (chaos run 10 rebuilt two that way).
     */
    static List<String> damagedFiles(RocksDB db, Path dir, Runnable afterListing) {
        try {
            db.disableFileDeletions();
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot hold file deletions in " + dir + " while checking it", e);
        }
        try {
            List<LiveFileMetaData> files = db.getLiveFilesMetaData();
            afterListing.run();
            return damagedFiles(files, dir);
        } finally {
            try {
                db.enableFileDeletions();
            } catch (RocksDBException e) {
                log.warn("Cannot resume file deletions in {}: obsolete files stay until the next start", dir, e);
            }
        }
    }

    private static List<String> damagedFiles(List<LiveFileMetaData> files, Path dir) {
        long totalBytes = files.stream().mapToLong(LiveFileMetaData::size).sum();
        log.info("Verifying the checksums of {} SST files ({} MiB) in {}", files.size(), totalBytes >> 20, dir);
        long startNanos = System.nanoTime();
        long nextReportNanos = startNanos + 10_000_000_000L;
        long verifiedBytes = 0;
        List<String> damaged = new ArrayList<>();
        try (Options options = new Options()) {
            for (LiveFileMetaData file : files) {
                String path = file.path() + file.fileName();
                try (SstFileReader reader = new SstFileReader(options)) {
                    reader.open(path);
                    reader.verifyChecksum();
                } catch (RocksDBException e) {
                    damaged.add(path + ": " + e.getMessage());
                }
                verifiedBytes += file.size();
                if (System.nanoTime() > nextReportNanos) {
                    log.info("Verified {} of {} MiB", verifiedBytes >> 20, totalBytes >> 20);
                    nextReportNanos = System.nanoTime() + 10_000_000_000L;
                }
            }
        }
        log.info("Verified {} SST files in {} ms: {}", files.size(), (System.nanoTime() - startNanos) / 1_000_000,
                damaged.isEmpty() ? "no damage" : damaged.size() + " damaged");
        return damaged;
    }
}
