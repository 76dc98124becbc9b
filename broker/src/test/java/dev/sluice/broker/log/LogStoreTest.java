package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.batch;
import static dev.sluice.broker.log.TestBatches.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogStoreTest {

    private static final PartitionKey A0 = new PartitionKey(new UUID(1, 1), 0);
    private static final PartitionKey A1 = new PartitionKey(new UUID(1, 1), 1);
    private static final PartitionKey B0 = new PartitionKey(new UUID(2, 2), 0);

    @TempDir
    Path dir;

    @Test
    void keysAreFixedWidthAndOrderedByOffset() {
        assertThat(A0.prefix()).hasSize(PartitionKey.PREFIX_BYTES);
        assertThat(PartitionKey.fromPrefix(A1.batchKey(42))).isEqualTo(A1);
        assertThat(PartitionKey.baseOffsetOf(A1.batchKey(42))).isEqualTo(42);
        assertThat(java.util.Arrays.compareUnsigned(A0.batchKey(255), A0.batchKey(256))).isNegative();
        assertThat(java.util.Arrays.compareUnsigned(A0.batchKey(Long.MAX_VALUE), A0.endKey())).isNegative();
        assertThat(java.util.Arrays.compareUnsigned(A0.endKey(), A1.batchKey(0))).isNegative();
    }

    @Test
    void reopeningRestoresEveryPartitionsStateAndData() {
        PartitionState stateBefore;
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(A0);
            log.append(batch(3), 1, 10);
            log.append(batch(2), 2, 11);
            log.updateHighWatermark(5);
            log.maybeDeleteBefore(1);
            store.partition(B0);
            stateBefore = log.state();
        }

        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partitions()).extracting(PartitionLog::key).containsExactlyInAnyOrder(A0, B0);
            PartitionLog log = store.partition(A0);
            assertThat(log.state()).isEqualTo(stateBefore);
            assertThat(log.logStartOffset()).isEqualTo(1);
            assertThat(log.highWatermark()).isEqualTo(5);
            assertThat(log.read(1, 1 << 20, 5).batches()).extracting(b -> decode(b).getHeader().getBaseOffset())
                    .containsExactly(0L, 3L);
            assertThat(log.append(batch(1), 2, 12).baseOffset()).isEqualTo(5);
            assertThat(store.partition(B0).logEndOffset()).isZero();
        }
    }

    @Test
    void deletePartitionRemovesOnlyThatPartition() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog doomed = store.partition(A0);
            doomed.append(batch(3), 0, 0);
            PartitionLog neighbour = store.partition(A1);
            neighbour.append(batch(2), 0, 0);
            neighbour.updateHighWatermark(2);

            store.deletePartition(A0);

            assertThatThrownBy(() -> doomed.append(batch(1), 0, 0)).isInstanceOf(PartitionDeletedException.class);
            assertThat(store.partitions()).extracting(PartitionLog::key).containsExactly(A1);
            assertThat(neighbour.read(0, 1 << 20, 2).batches()).hasSize(1);
            PartitionLog recreated = store.partition(A0);
            assertThat(recreated.logEndOffset()).isZero();
            recreated.append(batch(1), 0, 0);
            recreated.updateHighWatermark(1);
            assertThat(recreated.read(0, 1 << 20, 1).batches()).hasSize(1);
            store.deletePartition(A0);
        }
        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partitions()).extracting(PartitionLog::key).containsExactly(A1);
            assertThat(store.partition(A0).read(0, 1 << 20, 10).batches()).isEmpty();
        }
    }

    @Test
    void exposesRocksDbStatisticsAndProperties() {
        try (LogStore store = LogStore.open(dir)) {
            store.partition(A0).append(batch(10), 0, 0);

            assertThat(store.statistics()).containsKey("BYTES_WRITTEN");
            assertThat(store.statistics().get("BYTES_WRITTEN")).isPositive();
            assertThat(store.property("rocksdb.cur-size-all-mem-tables")).isPositive();
        }
    }
}
