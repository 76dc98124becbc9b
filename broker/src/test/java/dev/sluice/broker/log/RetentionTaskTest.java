package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.FakeClock;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTaskTest {

    private static final PartitionKey BY_TIME = new PartitionKey(new UUID(1, 1), 0);
    private static final PartitionKey BY_SIZE = new PartitionKey(new UUID(2, 2), 0);
    private static final PartitionKey FOREVER = new PartitionKey(new UUID(3, 3), 0);

    @TempDir
    Path dir;

    @Test
    void appliesEachPartitionsConfigThroughRocksDb() {
        FakeClock clock = new FakeClock(10_000);
        Map<PartitionKey, LogConfig> configs = Map.of(
                BY_TIME, new LogConfig(1_000, -1, 1 << 20),
                BY_SIZE, new LogConfig(-1, 1, 1 << 20),
                FOREVER, new LogConfig(-1, -1, 1 << 20));
        try (LogStore store = LogStore.open(dir)) {
            for (PartitionKey key : configs.keySet()) {
                PartitionLog log = store.partition(key);
                log.append(batch(2, 8_000), 0, 0);
                log.append(batch(2, 9_500), 0, 0);
                log.append(batch(2, 9_900), 0, 0);
                log.updateHighWatermark(6);
            }
            long oneBatchBytes = store.partition(BY_SIZE).read(4, 1 << 20, 6).sizeBytes();
            RetentionTask task = new RetentionTask(store, configs::get, clock);

            assertThat(task.runOnce()).isEqualTo(2);
            assertThat(store.partition(BY_TIME).logStartOffset()).isEqualTo(2);
            assertThat(store.partition(BY_SIZE).logStartOffset()).isEqualTo(6);
            assertThat(store.partition(BY_SIZE).sizeBytes()).isZero();
            assertThat(store.partition(FOREVER).logStartOffset()).isZero();
            assertThat(oneBatchBytes).isPositive();

            clock.advanceMs(600);
            assertThat(task.runOnce()).isEqualTo(1);
            assertThat(store.partition(BY_TIME).logStartOffset()).isEqualTo(4);
            assertThat(store.partition(BY_TIME).read(4, 1 << 20, 6).batches()).hasSize(1);
            assertThat(task.runOnce()).isZero();
        }
        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partition(BY_TIME).logStartOffset()).isEqualTo(4);
            assertThat(store.partition(BY_SIZE).logStartOffset()).isEqualTo(6);
        }
    }

    @Test
    void skipsPartitionsWithoutConfig() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(BY_TIME);
            log.append(batch(1, 0), 0, 0);
            log.updateHighWatermark(1);

            assertThat(new RetentionTask(store, key -> null, new FakeClock(Long.MAX_VALUE)).runOnce()).isZero();
            assertThat(log.logStartOffset()).isZero();
        }
    }
}
