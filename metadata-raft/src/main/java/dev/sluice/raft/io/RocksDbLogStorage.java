package dev.sluice.raft.io;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.OffsetAndEpoch;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.RecoveredLog;
import dev.sluice.raft.Snapshot;
import dev.sluice.raft.StorageOperation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogStorage} in RocksDB. Column family {@code default}: key = offset (8 bytes, big-endian, so iteration is
 * in offset order) → epoch (4 bytes, big-endian) + payload. Column family {@code quorum-state}: key {@code q} →
 * epoch, voted id, leader id (4 bytes each); key {@code s} → the log start offset (8 bytes) and the epoch before it
 * (4 bytes), absent while the log starts at 0. Column family {@code snapshots}: key = end offset (8 bytes,
 * big-endian) → epoch (4 bytes), CRC32C (4 bytes) of end offset + epoch + data, then the data.
 *
 * <p>Every {@link #write} is one {@link WriteBatch} with {@code sync = true}, so a vote and the entries it depends on
 * are durable together, and a snapshot and the log truncation it allows happen together or not at all. Checksums are
 * checked after reading; the core checks entries before writing. Used only by the driver thread.
 */
public final class RocksDbLogStorage implements LogStorage {
    private static final Logger log = LoggerFactory.getLogger(RocksDbLogStorage.class);
    private static final byte[] QUORUM_STATE_KEY = {'q'};
    private static final byte[] LOG_START_KEY = {'s'};
    private static final byte[] QUORUM_STATE_FAMILY = "quorum-state".getBytes(StandardCharsets.UTF_8);
    static final byte[] SNAPSHOTS_FAMILY = "snapshots".getBytes(StandardCharsets.UTF_8);
    private static final int SNAPSHOT_HEADER_BYTES = 8;

    static {
        RocksDB.loadLibrary();
    }

    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions syncedWrites;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    public RocksDbLogStorage(Path directory) {
        try {
            Files.createDirectories(directory);
            options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            familyOptions = new ColumnFamilyOptions();
            List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(QUORUM_STATE_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(SNAPSHOTS_FAMILY, familyOptions));
            db = RocksDB.open(options, directory.toString(), families, handles);
            syncedWrites = new WriteOptions().setSync(true);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open Raft log in " + directory, e);
        }
    }

    private ColumnFamilyHandle entriesFamily() {
        return handles.get(0);
    }

    private ColumnFamilyHandle stateFamily() {
        return handles.get(1);
    }

    private ColumnFamilyHandle snapshotsFamily() {
        return handles.get(2);
    }

    @Override
    public RecoveredLog readLog() {
        OffsetAndEpoch start = readLogStart();
        List<LogEntry> entries = readEntries();
        Snapshot snapshot = readNewestUsableSnapshot(start, entries);
        if (snapshot == null && start.offset() > 0) {
            throw new IllegalStateException("the Raft log starts at " + start.offset()
                + " but no valid snapshot covers it; this node's metadata must be rebuilt from the quorum");
        }
        return new RecoveredLog(start, snapshot, entries);
    }

    /** The newest snapshot that passes its checksum and that the log continues from, or null. */
    private Snapshot readNewestUsableSnapshot(OffsetAndEpoch start, List<LogEntry> entries) {
        long endOffset = start.offset() + entries.size();
        try (RocksIterator iterator = db.newIterator(snapshotsFamily())) {
            for (iterator.seekToLast(); iterator.isValid(); iterator.prev()) {
                Snapshot snapshot = decodeSnapshot(iterator.key(), iterator.value());
                if (snapshot == null) {
                    continue;
                }
                if (snapshot.endOffset() < start.offset()) {
                    log.warn("Ignoring {}: it ends below the log start {}", snapshot, start.offset());
                    break;
                }
                int epochBefore = snapshot.endOffset() == start.offset() ? start.epoch()
                    : snapshot.endOffset() <= endOffset
                    ? entries.get((int) (snapshot.endOffset() - 1 - start.offset())).epoch() : -1;
                if (epochBefore != snapshot.epoch()) {
                    log.warn("Ignoring {}: it does not match the log [{}, {})", snapshot, start.offset(), endOffset);
                    continue;
                }
                return snapshot;
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read Raft snapshots", e);
        }
        return null;
    }

    private OffsetAndEpoch readLogStart() {
        try {
            byte[] value = db.get(stateFamily(), LOG_START_KEY);
            if (value == null) {
                return RecoveredLog.LOG_START;
            }
            if (value.length != 12) {
                throw new IllegalStateException("corrupt log start of " + value.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return new OffsetAndEpoch(buffer.getLong(), buffer.getInt());
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the log start", e);
        }
    }

    @Override
    public List<LogEntry> readEntries() {
        long startOffset = readLogStart().offset();
        List<LogEntry> entries = new ArrayList<>();
        try (RocksIterator iterator = db.newIterator(entriesFamily())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                LogEntry entry = decodeEntry(iterator.key(), iterator.value());
                checkFollows(startOffset, entries, entry);
                entries.add(entry);
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the Raft log", e);
        }
        return entries;
    }

    private static void checkFollows(long startOffset, List<LogEntry> entries, LogEntry entry) {
        if (entries.isEmpty()) {
            if (entry.offset() != startOffset) {
                throw new IllegalStateException("Raft log starts at " + entry.offset() + ", not " + startOffset);
            }
            return;
        }
        LogEntry previous = entries.get(entries.size() - 1);
        if (entry.offset() != previous.offset() + 1 || entry.epoch() < previous.epoch()) {
            throw new IllegalStateException("corrupt Raft log: " + entry + " after " + previous);
        }
    }

    @Override
    public QuorumState readQuorumState() {
        try {
            byte[] value = db.get(stateFamily(), QUORUM_STATE_KEY);
            if (value == null) {
                return QuorumState.INITIAL;
            }
            if (value.length != 12) {
                throw new IllegalStateException("corrupt quorum state of " + value.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return new QuorumState(buffer.getInt(), buffer.getInt(), buffer.getInt());
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the quorum state", e);
        }
    }

    @Override
    public void write(List<StorageOperation> operations) {
        if (operations.isEmpty()) {
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (StorageOperation operation : operations) {
                addToBatch(batch, operation);
            }
            db.write(syncedWrites, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the Raft log", e);
        }
    }

    private void addToBatch(WriteBatch batch, StorageOperation operation) throws RocksDBException {
        if (operation instanceof StorageOperation.AppendEntries append) {
            for (LogEntry entry : append.entries()) {
                batch.put(entriesFamily(), key(entry.offset()), encodeValue(entry));
            }
        } else if (operation instanceof StorageOperation.TruncateFrom truncate) {
            batch.deleteRange(entriesFamily(), key(truncate.offset()), key(Long.MAX_VALUE));
        } else if (operation instanceof StorageOperation.TruncatePrefix prefix) {
            OffsetAndEpoch start = prefix.logStart();
            batch.deleteRange(entriesFamily(), key(0), key(start.offset()));
            batch.deleteRange(snapshotsFamily(), key(0), key(start.offset()));
            batch.put(stateFamily(), LOG_START_KEY,
                ByteBuffer.allocate(12).putLong(start.offset()).putInt(start.epoch()).array());
        } else if (operation instanceof StorageOperation.WriteSnapshot write) {
            batch.put(snapshotsFamily(), key(write.snapshot().endOffset()), encodeSnapshot(write.snapshot()));
        } else if (operation instanceof StorageOperation.PersistQuorumState persist) {
            QuorumState state = persist.state();
            batch.put(stateFamily(), QUORUM_STATE_KEY, ByteBuffer.allocate(12).putInt(state.epoch())
                .putInt(state.votedId()).putInt(state.leaderId()).array());
        }
    }

    static byte[] key(long offset) {
        return ByteBuffer.allocate(8).putLong(offset).array();
    }

    private static byte[] encodeValue(LogEntry entry) {
        return ByteBuffer.allocate(4 + entry.payload().length).putInt(entry.epoch()).put(entry.payload()).array();
    }

    private static LogEntry decodeEntry(byte[] key, byte[] value) {
        if (key.length != 8 || value.length < 4) {
            throw new IllegalStateException("corrupt Raft log record: key " + key.length + " bytes, value "
                + value.length + " bytes");
        }
        long offset = ByteBuffer.wrap(key).getLong();
        int epoch = ByteBuffer.wrap(value).getInt();
        return new LogEntry(offset, epoch, Arrays.copyOfRange(value, 4, value.length));
    }

    static byte[] encodeSnapshot(Snapshot snapshot) {
        byte[] data = snapshot.data();
        return ByteBuffer.allocate(SNAPSHOT_HEADER_BYTES + data.length).putInt(snapshot.epoch())
            .putInt(checksum(snapshot.endOffset(), snapshot.epoch(), data, 0)).put(data).array();
    }

    /** The snapshot, or null (logged) when its checksum or framing is wrong. */
    private static Snapshot decodeSnapshot(byte[] key, byte[] value) {
        if (key.length != 8 || value.length < SNAPSHOT_HEADER_BYTES) {
            log.warn("Ignoring a corrupt Raft snapshot record: key {} bytes, value {} bytes", key.length,
                value.length);
            return null;
        }
        long endOffset = ByteBuffer.wrap(key).getLong();
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int epoch = buffer.getInt();
        int storedChecksum = buffer.getInt();
        if (endOffset <= 0 || epoch < 0
            || checksum(endOffset, epoch, value, SNAPSHOT_HEADER_BYTES) != storedChecksum) {
            log.warn("Ignoring the Raft snapshot ending at {}: bad checksum or header", endOffset);
            return null;
        }
        return new Snapshot(endOffset, epoch, Arrays.copyOfRange(value, SNAPSHOT_HEADER_BYTES, value.length));
    }

    private static int checksum(long endOffset, int epoch, byte[] data, int dataStart) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(12).putLong(endOffset).putInt(epoch).array());
        crc.update(data, dataStart, data.length - dataStart);
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        syncedWrites.close();
        familyOptions.close();
        options.close();
    }
}
