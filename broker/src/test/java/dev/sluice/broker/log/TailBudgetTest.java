package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailBudgetTest {

    @TempDir
    Path dir;

    @Test
    void sharesTheBudgetEvenlyUpToTheMostPerPartition() {
        TailBudget budget = new TailBudget(1 << 20);

        assertThat(budget.perPartitionBytes()).isEqualTo(TailBudget.MAX_PER_PARTITION_BYTES);
        budget.partitionCountChanged(0);
        assertThat(budget.perPartitionBytes()).isEqualTo(TailBudget.MAX_PER_PARTITION_BYTES);
        budget.partitionCountChanged(16);
        assertThat(budget.perPartitionBytes()).isEqualTo(64 * 1024);
        budget.partitionCountChanged(64);
        assertThat(budget.perPartitionBytes()).isEqualTo(16 * 1024);
        budget.partitionCountChanged(1 << 21);
        assertThat(budget.perPartitionBytes()).isZero();
    }

    /** A store with many partitions keeps less of each in memory, so the total stays within its budget. */
    @Test
    void aStoreWithManyPartitionsKeepsLessOfEachInMemory() {
        int partitions = (int) (TailBudget.DEFAULT_TOTAL_BYTES / (16 * 1024));  // 16 KiB each
        UUID topic = new UUID(7, 7);
        try (LogStore store = LogStore.open(dir)) {
            for (int p = 0; p < partitions; p++) {
                store.partition(new PartitionKey(topic, p));
            }
            PartitionLog log = store.partition(new PartitionKey(topic, 0));
            log.append(batch(400), 0, 0);  // about 10 KiB
            log.append(batch(1000), 0, 0);  // about 25 KiB
            log.updateHighWatermark(log.logEndOffset());

            assertThat(log.readsFromMemory(0, Long.MAX_VALUE)).as("the first batch").isFalse();
            assertThat(log.readsFromMemory(400, Long.MAX_VALUE)).as("the larger batch").isFalse();

            for (int p = 1; p < partitions; p++) {
                store.deletePartition(new PartitionKey(topic, p));
            }
            log.append(batch(1000), 0, 0);
            log.updateHighWatermark(log.logEndOffset());
            assertThat(log.readsFromMemory(1400, Long.MAX_VALUE)).as("alone in the store").isTrue();
        }
    }
}
