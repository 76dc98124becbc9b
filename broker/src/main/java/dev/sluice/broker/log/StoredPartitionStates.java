package dev.sluice.broker.log;

import dev.sluice.proto.internal.v1.StoredProducerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Reads every partition's state back at open: the {@code partition-state} family (one {@link PartitionState} per
 * partition) joined with the {@code producer-state} family (one entry per idempotent producer and partition).
 * Called once, by {@link LogStore}, before any other thread sees the store.
 */
final class StoredPartitionStates {

    private StoredPartitionStates() {
    }

    /** Every stored partition's state, producers included; migrates producers kept in the state by older builds. */
    static Map<PartitionKey, PartitionState> load(StoreHandles handles, Path dir) {
        Map<PartitionKey, PartitionState> states = new HashMap<>();
        Map<PartitionKey, List<StoredProducerState>> producers = new HashMap<>();
        try (RocksIterator iterator = handles.db().newIterator(handles.state())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] stateKey = iterator.key();
                if (stateKey.length != PartitionKey.PREFIX_BYTES) {
                    throw new IllegalStateException("corrupt partition state key: " + stateKey.length + " bytes");
                }
                states.put(PartitionKey.fromPrefix(stateKey), PartitionState.decode(iterator.value()));
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot load partition states in " + dir, e);
        }
        try (RocksIterator iterator = handles.db().newIterator(handles.producers())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                PartitionKey key = PartitionKey.fromPrefix(iterator.key());
                StoredProducerState stored = ProducerStates.decodeEntry(iterator.key(), iterator.value());
                producers.computeIfAbsent(key, k -> new ArrayList<>()).add(stored);
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot load producer states in " + dir, e);
        }
        Map<PartitionKey, PartitionState> loadedStates = new HashMap<>();
        states.forEach((key, state) -> {
            List<StoredProducerState> own = producers.getOrDefault(key, List.of());
            PartitionState loaded = state;
            if (!own.isEmpty()) {
                loaded = state.withProducers(state.producers().withStored(own));
            }
            if (!state.producers().isEmpty()) {
                migrateInlineProducers(handles, key, loaded);
            }
            loadedStates.put(key, loaded);
        });
        producers.keySet().stream().filter(key -> !states.containsKey(key)).findFirst().ifPresent(key -> {
            throw new IllegalStateException("producer state without a partition state: " + key);
        });
        return loadedStates;
    }

    /**
     * A store written before producers had keys of their own kept them inside the partition state. Writes them under
     * their own keys and the state without them, in one {@code WriteBatch}, so that later appends, which write only
     * the producer that changed, never leave a stale copy behind in the state.
     */
    private static void migrateInlineProducers(StoreHandles handles, PartitionKey key, PartitionState state) {
        try (WriteBatch writes = new WriteBatch()) {
            writes.put(handles.state(), key.prefix(), state.encode());
            for (Map.Entry<Long, ProducerStates.Entry> producer : state.producers().producers().entrySet()) {
                writes.put(handles.producers(), key.producerKey(producer.getKey()),
                        ProducerStates.encode(producer.getKey(), producer.getValue()).toByteArray());
            }
            handles.writer().write(writes, "producer state migration of " + key);
        } catch (RocksDBException e) {
            throw new LogStorageException("cannot migrate the producer state of " + key, e);
        }
    }
}
