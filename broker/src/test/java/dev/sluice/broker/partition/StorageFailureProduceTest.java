package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.testing.FakeClock;
import dev.sluice.broker.log.FakeFullDisk;
import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.RecordingFaultHandler;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ProducePartitionResult;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk under a partition leader: the append is answered with an error, never acknowledged, and fatal. */
class StorageFailureProduceTest {

    @TempDir
    Path dir;
    private final FakeFullDisk disk = new FakeFullDisk();
    private final RecordingFaultHandler faults = new RecordingFaultHandler();
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private LogStore store;
    private ProduceHandler produce;

    @BeforeEach
    void setUp() {
        store = LogStore.open(dir, faults, disk);
        TestResolver resolver = new TestResolver(store).lead("orders", 1, LogConfig.DEFAULT);
        produce = new ProduceHandler(resolver, HighWatermarkPolicy.SINGLE_REPLICA, clock);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aFailedAppendIsAnsweredWithAStorageErrorAndStopsTheNode() throws Exception {
        assertThat(produceOne().getError()).isEqualTo(ErrorCode.NONE);
        PartitionLog log = store.partitions().iterator().next();
        long endBefore = log.logEndOffset();
        long highWatermarkBefore = log.highWatermark();

        disk.fill();
        ProducePartitionResult failed = produceOne();

        assertThat(failed.getError()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
        assertThat(failed.getBaseOffset()).isEqualTo(-1);
        assertThat(faults.faults).hasSize(1);
        assertThat(faults.faults.get(0).message()).contains("append to");
        assertThat(faults.faults.get(0).cause()).isInstanceOf(LogStorageException.class)
                .hasRootCauseMessage("While appending to file: 000077.log: No space left on device");
        assertThat(log.logEndOffset()).as("nothing appended").isEqualTo(endBefore);
        assertThat(log.highWatermark()).as("nothing counted").isEqualTo(highWatermarkBefore);
    }

    @Test
    void afterAFailedWriteTheStoreRefusesEveryWriteEvenOnceSpaceIsBack() throws Exception {
        assertThat(produceOne().getError()).isEqualTo(ErrorCode.NONE);
        disk.fill();
        assertThat(produceOne().getError()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
        disk.empty();

        assertThat(produceOne().getError()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
        assertThat(produceOne().getError()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
        assertThat(disk.failedWrites()).as("refused writes never reach RocksDB").isEqualTo(1);
        assertThat(faults.faults).as("reported once").hasSize(1);
    }

    @Test
    void aFailedFollowerAppendReportsTheFaultAndAppendsNothing() {
        PartitionKey key = new PartitionKey(new UUID(3, 4), 0);
        try (LogStore leaderStore = LogStore.open(dir.resolve("leader"))) {
            PartitionLog leader = leaderStore.partition(key);
            leader.append(TestBatches.batch(3), 0, 10);
            PartitionLog follower = store.partition(key);
            ByteString batch = leader.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches().get(0);
            disk.fill();
            assertThatThrownBy(() -> follower.appendAsFollower(batch))
                    .isInstanceOf(LogStorageException.class).hasMessageContaining("follower append");
            assertThat(follower.logEndOffset()).isZero();
            assertThat(faults.faults).hasSize(1);
        }
    }

    private ProducePartitionResult produceOne() throws Exception {
        return produce.handle(DataPathTest.request(1, "orders", 0, TestBatches.clientBatch(2, 10, 20))).join()
                .getResults(0);
    }
}
