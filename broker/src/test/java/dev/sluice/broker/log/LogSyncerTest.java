package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit against a real RocksDB store whose fsyncs a {@link FakeFullDisk} can hold back or fail. */
class LogSyncerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final FakeFullDisk disk = new FakeFullDisk();
    private final RecordingFaultHandler faults = new RecordingFaultHandler();
    private LogStore store;
    private LogSyncer syncer;

    @BeforeEach
    void open() {
        store = LogStore.open(dir, faults, disk);
        syncer = new LogSyncer(store, "test-syncer", System::nanoTime);
        syncer.start();
    }

    @AfterEach
    void close() {
        disk.releaseSyncs();
        syncer.close();
        store.close();
    }

    private PartitionLog durablePartition(int index) {
        PartitionLog log = store.partition(new PartitionKey(new UUID(7, 7), index));
        log.setFlushPolicy(FlushPolicy.DURABLE);
        return log;
    }

    @Test
    void aDurableAppendCountsOnlyAfterTheSyncThatCoversIt() {
        PartitionLog log = durablePartition(0);
        log.append(batch(3), 0, 1);
        assertThat(log.acknowledgeableEndOffset()).isZero();
        assertThat(log.awaitsSync()).isTrue();

        assertThat(syncer.sync(log)).succeedsWithin(WAIT);
        assertThat(log.acknowledgeableEndOffset()).isEqualTo(3);
        assertThat(log.awaitsSync()).isFalse();
        assertThat(disk.syncs()).isEqualTo(1);
    }

    @Test
    void requestsArrivingDuringASyncShareTheNextOne() {
        List<PartitionLog> logs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            logs.add(durablePartition(i));
        }
        disk.holdSyncs();
        logs.get(0).append(batch(1), 0, 1);
        CompletableFuture<Void> first = syncer.sync(logs.get(0));
        // While that fsync is held, twenty partitions append and ask: one more fsync must serve them all.
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (PartitionLog log : logs) {
            log.append(batch(2), 0, 1);
            waiting.add(syncer.sync(log));
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        disk.releaseSyncs();

        assertThat(first).succeedsWithin(WAIT);
        waiting.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        assertThat(disk.syncs()).as("group commit: one held fsync, then one for everything queued behind it")
                .isLessThanOrEqualTo(2);
        assertThat(logs).allMatch(log -> log.acknowledgeableEndOffset() == log.logEndOffset());
    }

    @Test
    void aFailedSyncFailsItsWaitersReportsTheFaultAndLeavesTheDataUnacknowledged() {
        PartitionLog log = durablePartition(0);
        log.append(batch(2), 0, 1);
        disk.failSyncs();

        assertThat(syncer.sync(log)).failsWithin(WAIT);
        assertThat(log.acknowledgeableEndOffset()).isZero();
        assertThat(faults.faults).hasSize(1);
        assertThat(faults.faults.get(0).message()).contains("sync failed");
    }

    @Test
    void theFlushMsPassSyncsDataLeftUnsyncedForThatLong() {
        PartitionLog log = store.partition(new PartitionKey(new UUID(7, 7), 0));
        log.setFlushPolicy(new FlushPolicy(false, Long.MAX_VALUE, 1_000));
        log.append(batch(2), 0, 1);
        assertThat(log.acknowledgeableEndOffset()).as("flush.ms does not hold acknowledgements back").isEqualTo(2);

        syncer.syncOverdue(10_000);
        syncer.syncOverdue(10_999);
        assertThat(disk.syncs()).isZero();
        syncer.syncOverdue(11_000);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !log.hasUnsyncedData());
        assertThat(disk.syncs()).isEqualTo(1);
    }

    @Test
    void partitionsWithoutFlushMsAreNeverSyncedByThePass() {
        PartitionLog log = store.partition(new PartitionKey(new UUID(7, 7), 0));
        log.append(batch(2), 0, 1);
        syncer.syncOverdue(0);
        syncer.syncOverdue(Long.MAX_VALUE / 2);
        assertThat(disk.syncs()).isZero();
        assertThat(log.hasUnsyncedData()).isTrue();
    }

    @Test
    void eachFsyncReportsItsDurationOnTheInjectedClockFailedOnesIncluded() {
        AtomicLong nanos = new AtomicLong();
        List<Long> durations = new CopyOnWriteArrayList<>();
        // The clock moves 5 ms per reading: a round reads it once before and once after its fsync.
        try (LogSyncer timed = new LogSyncer(store, "timed-syncer", () -> nanos.getAndAdd(5_000_000),
                durations::add)) {
            timed.start();
            PartitionLog log = durablePartition(0);
            log.append(batch(1), 0, 1);
            assertThat(timed.sync(log)).succeedsWithin(WAIT);
            log.append(batch(1), 0, 2);
            disk.failSyncs();
            assertThat(timed.sync(log)).failsWithin(WAIT);
        }
        assertThat(durations).containsExactly(5_000_000L, 5_000_000L);
        assertThat(faults.faults).hasSize(1);
    }

    @Test
    void aClosedSyncerRefusesNewRequests() {
        syncer.close();
        assertThat(syncer.sync(durablePartition(0))).failsWithin(WAIT);
    }
}
