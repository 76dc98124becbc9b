package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.internal.v1.StoredPartitionState;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

/** How the idempotent producers' state is stored: one key per producer, expiry, and stores of older builds. */
class ProducerStateStorageTest {
    private static final PartitionKey KEY = new PartitionKey(new UUID(5, 7), 3);

    @TempDir
    Path dir;

    private static RecordBatchView idempotent(long producerId, int baseSequence) {
        RecordBatchView batch = TestBatches.batch(1);
        return batch.toBuilder().setHeader(batch.getHeader().toBuilder().setProducerId(producerId)
                .setProducerEpoch(0).setBaseSequence(baseSequence)).build();
    }

    private static int producerKeys(LogStore store) {
        int count = 0;
        try (RocksIterator iterator = store.handles().db().newIterator(store.handles().producers())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }

    @Test
    void anAppendWritesOnlyItsOwnProducerAndTheStateDoesNotGrowWithProducers() throws Exception {
        Map<Long, ProducerStates.Entry> before;
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.append(idempotent(1, 0), 0, 10);
            int stateBytesWithOneProducer = log.state().encode().length;
            for (long producer = 2; producer <= 300; producer++) {
                log.append(idempotent(producer, 0), 0, 10);
            }
            log.append(idempotent(7, 1), 0, 11);
            assertThat(log.state().encode().length).as("the state value holds no producer")
                    .isLessThanOrEqualTo(stateBytesWithOneProducer + 2);
            byte[] stored = store.handles().db().get(store.handles().state(), KEY.prefix());
            assertThat(StoredPartitionState.parseFrom(stored).getProducersCount()).isZero();
            assertThat(producerKeys(store)).isEqualTo(300);
            before = log.state().producers().producers();
        }
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(log.state().producers().producers()).isEqualTo(before);
            assertThat(log.append(idempotent(7, 1), 0, 12).duplicate()).isTrue();
            assertThat(log.append(idempotent(7, 2), 0, 12).duplicate()).isFalse();
            store.deletePartition(KEY);
            assertThat(producerKeys(store)).as("deleted with the partition").isZero();
        }
    }

    @Test
    void producersIdleLongerThanTheExpirationAreForgottenAlsoAfterARestart() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.setProducerExpirationMs(1_000);
            log.append(idempotent(9, 0), 0, 0);
            log.append(idempotent(10, 0), 0, 900);
            log.append(TestBatches.batch(1), 0, 999);
            assertThat(log.state().producers().entry(9)).as("not idle long enough yet").isNotNull();
            log.append(TestBatches.batch(1), 0, 1_001);
            assertThat(log.state().producers().entry(9)).as("idle 1,001 ms").isNull();
            assertThat(log.state().producers().entry(10)).as("idle 101 ms").isNotNull();
            assertThatThrownBy(() -> log.append(idempotent(9, 1), 0, 1_002))
                    .isInstanceOfSatisfying(ProducerSequenceException.class,
                            e -> assertThat(e.reason()).isEqualTo(ProducerSequenceException.Reason.UNKNOWN_PRODUCER));
            assertThat(producerKeys(store)).isEqualTo(1);
        }
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(log.state().producers().producers().keySet()).containsExactly(10L);
            assertThat(log.append(idempotent(9, 0), 0, 1_003).duplicate()).as("starts over at 0").isFalse();
            assertThat(log.append(idempotent(10, 1), 0, 1_003).duplicate()).isFalse();
        }
    }

    @Test
    void followersExpireProducersByTheLeadersAppendTimes() {
        try (LogStore leaderStore = LogStore.open(dir.resolve("leader"));
             LogStore followerStore = LogStore.open(dir.resolve("follower"))) {
            PartitionLog leader = leaderStore.partition(KEY);
            PartitionLog follower = followerStore.partition(KEY);
            leader.setProducerExpirationMs(1_000);
            follower.setProducerExpirationMs(1_000);
            leader.append(idempotent(9, 0), 0, 0);
            leader.append(TestBatches.batch(1), 0, 2_000);
            for (var batch : leader.read(0, Integer.MAX_VALUE, leader.logEndOffset()).batches()) {
                follower.appendAsFollower(batch);
            }
            assertThat(leader.state().producers().entry(9)).isNull();
            assertThat(follower.state().producers()).isEqualTo(leader.state().producers());
        }
    }

    @Test
    void aStoreThatKeptProducersInsideThePartitionStateIsMigratedAtOpen() throws Exception {
        ProducerStates producers = ProducerStates.EMPTY.withBatch(9, 2, 0, 3, 0, 50).withBatch(12, 0, 0, 1, 3, 60);
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            log.append(TestBatches.batch(4), 0, 50);
            // What an older build wrote: the producers inline, none under keys of their own.
            byte[] legacy = StoredPartitionState.parseFrom(log.state().encode()).toBuilder()
                    .addAllProducers(producers.encode()).build().toByteArray();
            store.handles().db().put(store.handles().state(), KEY.prefix(), legacy);
        }
        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partition(KEY).state().producers()).isEqualTo(producers);
            byte[] stored = store.handles().db().get(store.handles().state(), KEY.prefix());
            assertThat(StoredPartitionState.parseFrom(stored).getProducersCount()).isZero();
            assertThat(producerKeys(store)).isEqualTo(2);
            assertThat(store.partition(KEY).append(idempotent(12, 1), 0, 70).duplicate()).isFalse();
        }
        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partition(KEY).state().producers().entry(12).batches()).hasSize(2);
            assertThat(store.partition(KEY).state().producers().entry(9)).isEqualTo(producers.entry(9));
        }
    }
}
