package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.OffsetAndEpoch;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.RecoveredLog;
import dev.sluice.raft.Snapshot;
import dev.sluice.raft.StorageOperation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbLogStorageTest {
    @TempDir
    Path directory;

    private static LogEntry entry(long offset, int epoch, String payload) {
        return new LogEntry(offset, epoch, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void emptyStorageHasInitialStateAndNoEntries() {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            assertThat(storage.readEntries()).isEmpty();
            assertThat(storage.readQuorumState()).isEqualTo(QuorumState.INITIAL);
        }
    }

    @Test
    void appendsTruncatesAndRecoversAfterReopen() {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            storage.write(List.of(
                new StorageOperation.PersistQuorumState(new QuorumState(1, 1, 1)),
                new StorageOperation.AppendEntries(List.of(entry(0, 1, ""), entry(1, 1, "a"), entry(2, 1, "b")))));
            storage.write(List.of(
                new StorageOperation.TruncateFrom(2),
                new StorageOperation.AppendEntries(List.of(entry(2, 2, "c"))),
                new StorageOperation.PersistQuorumState(new QuorumState(2, 3, 3))));
            assertThat(storage.readEntries()).containsExactly(entry(0, 1, ""), entry(1, 1, "a"), entry(2, 2, "c"));
        }
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            assertThat(reopened.readEntries()).containsExactly(entry(0, 1, ""), entry(1, 1, "a"), entry(2, 2, "c"));
            assertThat(reopened.readQuorumState()).isEqualTo(new QuorumState(2, 3, 3));
        }
    }

    @Test
    void keysSortInOffsetOrderBeyondOneByte() {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            List<LogEntry> entries = new java.util.ArrayList<>();
            for (int offset = 0; offset < 300; offset++) {
                entries.add(entry(offset, 1, "e" + offset));
            }
            storage.write(List.of(new StorageOperation.AppendEntries(entries)));
            assertThat(storage.readEntries()).containsExactlyElementsOf(entries);
        }
    }

    private static Snapshot snapshot(long endOffset, int epoch, String data) {
        return new Snapshot(endOffset, epoch, data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<LogEntry> entries(int count, int epoch) {
        List<LogEntry> entries = new java.util.ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            entries.add(entry(offset, epoch, "e" + offset));
        }
        return entries;
    }

    private interface RawAccess {
        void run(org.rocksdb.RocksDB db, org.rocksdb.ColumnFamilyHandle snapshots) throws Exception;
    }

    /** Opens the closed storage's RocksDB directly, as a bad disk or an operator would see it. */
    private void withRawSnapshots(RawAccess access) throws Exception {
        List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        try (org.rocksdb.ColumnFamilyOptions familyOptions = new org.rocksdb.ColumnFamilyOptions();
             org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(options, directory.toString(), List.of(
                 new org.rocksdb.ColumnFamilyDescriptor(org.rocksdb.RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                 new org.rocksdb.ColumnFamilyDescriptor("quorum-state".getBytes(), familyOptions),
                 new org.rocksdb.ColumnFamilyDescriptor(RocksDbLogStorage.SNAPSHOTS_FAMILY, familyOptions)),
                 handles)) {
            try {
                access.run(db, handles.get(2));
            } finally {
                handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
            }
        }
    }

    /** Flips one data byte of the stored snapshot ending at {@code endOffset}. */
    private void corruptSnapshot(long endOffset) throws Exception {
        withRawSnapshots((db, snapshots) -> {
            byte[] value = db.get(snapshots, RocksDbLogStorage.key(endOffset));
            value[value.length - 1] ^= 0x40;
            db.put(snapshots, RocksDbLogStorage.key(endOffset), value);
        });
    }

    @Test
    void snapshotsAndTheLogStartSurviveReopen() throws Exception {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            storage.write(List.of(new StorageOperation.AppendEntries(entries(10, 1))));
            storage.write(List.of(new StorageOperation.WriteSnapshot(snapshot(4, 1, "four"))));
            storage.write(List.of(new StorageOperation.WriteSnapshot(snapshot(8, 1, "eight")),
                new StorageOperation.TruncatePrefix(new OffsetAndEpoch(4, 1))));
        }
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            RecoveredLog recovered = reopened.readLog();
            assertThat(recovered.logStart()).isEqualTo(new OffsetAndEpoch(4, 1));
            assertThat(recovered.snapshot()).isEqualTo(snapshot(8, 1, "eight"));
            assertThat(recovered.entries()).isEqualTo(entries(10, 1).subList(4, 10));
            reopened.write(List.of(new StorageOperation.WriteSnapshot(snapshot(9, 1, "nine")),
                new StorageOperation.TruncatePrefix(new OffsetAndEpoch(8, 1))));
        }
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            assertThat(reopened.readLog().entries()).isEqualTo(entries(10, 1).subList(8, 10));
        }
        withRawSnapshots((db, snapshots) -> {
            assertThat(db.get(snapshots, RocksDbLogStorage.key(4))).as("below the log start: deleted").isNull();
            assertThat(db.get(snapshots, RocksDbLogStorage.key(8))).isNotNull();
        });
    }

    @Test
    void aCorruptNewestSnapshotFallsBackToThePreviousOneAndTheLog() throws Exception {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            storage.write(List.of(new StorageOperation.AppendEntries(entries(10, 1)),
                new StorageOperation.WriteSnapshot(snapshot(4, 1, "four")),
                new StorageOperation.WriteSnapshot(snapshot(8, 1, "eight")),
                new StorageOperation.TruncatePrefix(new OffsetAndEpoch(4, 1))));
        }
        corruptSnapshot(8);
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            RecoveredLog recovered = reopened.readLog();
            assertThat(recovered.snapshot()).isEqualTo(snapshot(4, 1, "four"));
            assertThat(recovered.entries()).isEqualTo(entries(10, 1).subList(4, 10));
        }
    }

    @Test
    void aCorruptSnapshotOverALogFromZeroFallsBackToTheLog() throws Exception {
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            storage.write(List.of(new StorageOperation.AppendEntries(entries(10, 1)),
                new StorageOperation.WriteSnapshot(snapshot(4, 1, "four"))));
        }
        corruptSnapshot(4);
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            RecoveredLog recovered = reopened.readLog();
            assertThat(recovered.snapshot()).isNull();
            assertThat(recovered.entries()).isEqualTo(entries(10, 1));
        }
    }

    @Test
    void aCorruptSnapshotWithNothingToFallBackOnStopsTheNode() throws Exception {
        Snapshot fetched = snapshot(20, 3, "fetched");
        try (RocksDbLogStorage storage = new RocksDbLogStorage(directory)) {
            storage.write(List.of(new StorageOperation.AppendEntries(entries(10, 1))));
            // Installing a snapshot fetched from the leader replaces the whole log.
            storage.write(List.of(new StorageOperation.WriteSnapshot(fetched),
                new StorageOperation.TruncatePrefix(fetched.id()), new StorageOperation.TruncateFrom(20)));
            RecoveredLog recovered = storage.readLog();
            assertThat(recovered.logStart()).isEqualTo(fetched.id());
            assertThat(recovered.snapshot()).isEqualTo(fetched);
            assertThat(recovered.entries()).isEmpty();
        }
        corruptSnapshot(20);
        try (RocksDbLogStorage reopened = new RocksDbLogStorage(directory)) {
            assertThatThrownBy(reopened::readLog).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no valid snapshot");
        }
    }
}
