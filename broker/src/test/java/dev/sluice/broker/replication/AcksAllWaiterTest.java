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
            waiter.lead(log, 0);
            log.append(TestBatches.batch(5), 0, 1);
            CompletableFuture<ErrorCode> first = waiter.await(log, 0, 3, 60_000);
            CompletableFuture<ErrorCode> second = waiter.await(log, 0, 5, 60_000);
            CompletableFuture<ErrorCode> timedOut = waiter.await(log, 0, 5, 1);
            log.updateHighWatermark(3);
            assertThat(first).isCompletedWithValue(ErrorCode.NONE);
            assertThat(second).isNotDone();
            assertThat(timedOut).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
            assertThat(waiter.await(log, 0, 2, 60_000)).as("already covered").isCompletedWithValue(ErrorCode.NONE);
            waiter.abort(KEY, ErrorCode.NOT_LEADER);
            assertThat(second).isCompletedWithValue(ErrorCode.NOT_LEADER);
        }
    }

    /**
     * The produce path appends, then waits, with no lock against leadership changes in between: a wait for a
     * leadership already over must be refused, not left to complete on the follower high watermark of this log.
     */
    @Test
    void refusesAWaitForALeadershipThatIsOver() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(waiter.await(log, 0, 1, 60_000)).as("never led").isCompletedWithValue(ErrorCode.NOT_LEADER);
            waiter.lead(log, 0);
            log.append(TestBatches.batch(2), 0, 1);
            waiter.abort(KEY, ErrorCode.NOT_LEADER);
            CompletableFuture<ErrorCode> late = waiter.await(log, 0, 2, 60_000);
            log.updateHighWatermark(2);
            assertThat(late).as("after abort").isCompletedWithValue(ErrorCode.NOT_LEADER);

            waiter.lead(log, 2);
            assertThat(waiter.await(log, 0, 2, 60_000)).as("an older epoch, led again later")
                    .isCompletedWithValue(ErrorCode.NOT_LEADER);
            CompletableFuture<ErrorCode> current = waiter.await(log, 2, 3, 60_000);
            waiter.lead(log, 3);
            assertThat(current).as("superseded leadership").isCompletedWithValue(ErrorCode.NOT_LEADER);
            assertThat(waiter.await(log, 3, 2, 60_000)).isCompletedWithValue(ErrorCode.NONE);
        }
    }
}
