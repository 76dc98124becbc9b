package dev.sluice.raft.io;

import dev.sluice.raft.LogEntry;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.StorageOperation;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link LogStorage} in RocksDB. Column family {@code default}: key = offset (8 bytes, big-endian, so iteration is
 * in offset order) → epoch (4 bytes, big-endian) + payload. Column family {@code quorum-state}: one key → epoch,
 * voted id, leader id (4 bytes each). Every {@link #write} is one {@link WriteBatch} with {@code sync = true}, so a
 * vote and the entries it depends on are durable together. Used only by the driver thread.
 */
public final class RocksDbLogStorage implements LogStorage {
    private static final byte[] QUORUM_STATE_KEY = {'q'};
    private static final byte[] QUORUM_STATE_FAMILY = "quorum-state".getBytes(java.nio.charset.StandardCharsets.UTF_8);

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
                new ColumnFamilyDescriptor(QUORUM_STATE_FAMILY, familyOptions));
            db = RocksDB.open(options, directory.toString(), families, handles);
            syncedWrites = new WriteOptions().setSync(true);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open Raft log in " + directory, e);
        }
    }

    @Override
    public List<LogEntry> readEntries() {
        List<LogEntry> entries = new ArrayList<>();
        try (RocksIterator iterator = db.newIterator(handles.get(0))) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                LogEntry entry = decodeEntry(iterator.key(), iterator.value());
                checkFollows(entries, entry);
                entries.add(entry);
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the Raft log", e);
        }
        return entries;
    }

    private static void checkFollows(List<LogEntry> entries, LogEntry entry) {
        if (entries.isEmpty()) {
            if (entry.offset() != 0) {
                throw new IllegalStateException("Raft log starts at " + entry.offset() + ", not 0");
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
            byte[] value = db.get(handles.get(1), QUORUM_STATE_KEY);
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
                batch.put(handles.get(0), key(entry.offset()), encodeValue(entry));
            }
        } else if (operation instanceof StorageOperation.TruncateFrom truncate) {
            batch.deleteRange(handles.get(0), key(truncate.offset()), key(Long.MAX_VALUE));
        } else if (operation instanceof StorageOperation.PersistQuorumState persist) {
            QuorumState state = persist.state();
            batch.put(handles.get(1), QUORUM_STATE_KEY, ByteBuffer.allocate(12).putInt(state.epoch())
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

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        syncedWrites.close();
        familyOptions.close();
        options.close();
    }
}
