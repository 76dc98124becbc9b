package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped byte in a partition store's SST file, as the chaos suite's bitflip nemesis makes one: found at start
 * after an unclean shutdown (the store is moved aside and rebuilt under a new store id), and, when not checked at
 * start, found by the first read, which stops the node instead of serving damaged data.
 */
class StoreIntegrityTest {

    private static final PartitionKey KEY = new PartitionKey(new UUID(3, 3), 0);

    @TempDir
    Path parent;

    private Path dir() {
        return parent.resolve("log");
    }

    /** Writes 200 batches, flushes them into SST files and closes the store cleanly; returns its store id. */
    private UUID writeAndCloseCleanly() {
        try (LogStore store = LogStore.open(dir())) {
            PartitionLog log = store.partition(KEY);
            for (int i = 0; i < 200; i++) {
                log.append(batch(5), 0, 1);
            }
            store.flushMemTablesForTest();
            return store.storeId();
        }
    }

    private void flipAByteInTheLargestSstFile() throws IOException {
        Path sst;
        try (Stream<Path> files = Files.list(dir())) {
            sst = files.filter(p -> p.toString().endsWith(".sst"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(sst.toFile(), "rw")) {
            long offset = file.length() / 4;  // inside the data blocks, well before the index and footer
            file.seek(offset);
            int value = file.read();
            file.seek(offset);
            file.write(value ^ 0x5A);
        }
    }

    @Test
    void filesCompactedAwayWhileTheStoreIsVerifiedAreNotReportedMissing() {
        writeAndCloseCleanly();
        writeAndCloseCleanly();
        writeAndCloseCleanly();
        try (LogStore store = LogStore.open(dir())) {
            // A compaction that ends between the listing and the reads, as one did after a power cut in chaos run 10.
            assertThat(store.damagedFilesForTest(store::compactForTest)).isEmpty();
            assertThat(store.partition(KEY).logEndOffset()).isEqualTo(3000);
        }
    }

    @Test
    void aCleanlyClosedStoreOpensWithoutVerificationAndKeepsItsStoreId() {
        UUID id = writeAndCloseCleanly();
        assertThat(StoreIntegrity.cleanShutdownMarker(dir())).exists();
        try (LogStore store = LogStore.open(dir())) {
            assertThat(store.storeId()).isEqualTo(id);
            assertThat(store.rebuiltAfterDamage()).isFalse();
            assertThat(store.partition(KEY).logEndOffset()).isEqualTo(1000);
            assertThat(StoreIntegrity.cleanShutdownMarker(dir())).as("taken at open").doesNotExist();
        }
    }

    @Test
    void aDamagedSstFileFoundAfterAnUncleanShutdownIsMovedAsideAndTheStoreRebuilt() throws IOException {
        UUID id = writeAndCloseCleanly();
        Files.delete(StoreIntegrity.cleanShutdownMarker(dir()));  // as a kill -9 or a power cut leaves it
        flipAByteInTheLargestSstFile();

        try (LogStore store = LogStore.open(dir(), new RecordingFaultHandler(), WriteSink.ROCKSDB,
                StoreIntegrity.VerifyOnOpen.AFTER_UNCLEAN_SHUTDOWN)) {
            assertThat(store.rebuiltAfterDamage()).isTrue();
            assertThat(store.storeId()).as("a new store: the controller must see the data is gone").isNotEqualTo(id);
            assertThat(store.partitions()).isEmpty();
        }
        List<Path> aside;
        try (Stream<Path> files = Files.list(parent)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("log.damaged-")).toList();
        }
        assertThat(aside).as("the damaged store is kept for salvage").hasSize(1);
    }

    /** Seen in the chaos suite: a flipped bit in a block RocksDB reads at open made the node fail to start, forever. */
    @Test
    void anSstFileTooDamagedForRocksDbToOpenIsMovedAsideAndTheStoreRebuilt() throws IOException {
        UUID id = writeAndCloseCleanly();
        Path sst;
        try (Stream<Path> files = Files.list(dir())) {
            sst = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(sst.toFile(), "rw")) {
            file.seek(file.length() - 48);  // the footer: RocksDB reads it when it opens the table
            file.write(new byte[40]);
        }
        try (LogStore store = LogStore.open(dir(), new RecordingFaultHandler(), WriteSink.ROCKSDB,
                StoreIntegrity.VerifyOnOpen.AFTER_UNCLEAN_SHUTDOWN)) {
            assertThat(store.rebuiltAfterDamage()).isTrue();
            assertThat(store.storeId()).isNotEqualTo(id);
        }
    }

    @Test
    void aDamagedSstFileReadWithoutVerificationAtOpenStopsTheNodeInsteadOfServingIt() throws IOException {
        writeAndCloseCleanly();
        flipAByteInTheLargestSstFile();
        RecordingFaultHandler faults = new RecordingFaultHandler();
        try (LogStore store = LogStore.open(dir(), faults, WriteSink.ROCKSDB, StoreIntegrity.VerifyOnOpen.NEVER)) {
            PartitionLog log = store.partition(KEY);
            assertThatThrownBy(() -> {
                for (long offset = 0; offset < 1000; offset += 5) {
                    log.read(offset, 1 << 20, 1000);
                }
            }).isInstanceOf(LogStorageException.class);
            assertThat(faults.faults).hasSize(1);
            assertThat(faults.faults.get(0).message()).contains("damaged data");
            assertThatThrownBy(() -> log.append(batch(1), 0, 2)).as("no more writes")
                    .isInstanceOf(LogStorageException.class);
        }
    }
}
