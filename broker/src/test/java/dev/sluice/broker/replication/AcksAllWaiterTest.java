package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcksAllWaiterTest {

    private static final PartitionKey KEY = new PartitionKey(new UUID(3, 4), 0);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AcksAllWaiter waiter = new AcksAllWaiter(scheduler);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void completesWhenTheHighWatermarkCoversTheOffsetTimesOutOrAborts() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.append(TestBatches.batch(5), 0, 1);
            CompletableFuture<ErrorCode> first = waiter.await(log, 3, 60_000);
            CompletableFuture<ErrorCode> second = waiter.await(log, 5, 60_000);
            CompletableFuture<ErrorCode> timedOut = waiter.await(log, 5, 1);
            log.updateHighWatermark(3);
            assertThat(first).isCompletedWithValue(ErrorCode.NONE);
            assertThat(second).isNotDone();
            assertThat(timedOut).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
            assertThat(waiter.await(log, 2, 60_000)).as("already covered").isCompletedWithValue(ErrorCode.NONE);
            waiter.abort(KEY, ErrorCode.NOT_LEADER);
            assertThat(second).isCompletedWithValue(ErrorCode.NOT_LEADER);
        }
    }
}
