package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.QuorumState;
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
}
