package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.internal.v1.RecordBatchView;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStatesTest {
    private static final PartitionKey KEY = new PartitionKey(new UUID(5, 6), 0);

    @TempDir
    Path dir;

    private static RecordBatchView idempotent(long producerId, int epoch, int baseSequence, int count) {
        RecordBatchView batch = TestBatches.batch(count);
        return batch.toBuilder().setHeader(batch.getHeader().toBuilder().setProducerId(producerId)
                .setProducerEpoch(epoch).setBaseSequence(baseSequence)).build();
    }

    @Test
    void checksFollowKafkasRules() {
        ProducerStates states = ProducerStates.EMPTY;
        assertThat(states.check(7, 0, 3, 1)).isInstanceOf(ProducerStates.Verdict.UnknownProducer.class);
        assertThat(states.check(7, 0, 0, 2)).isInstanceOf(ProducerStates.Verdict.Append.class);
        for (int i = 0; i < 6; i++) {
            states = states.withBatch(7, 0, 2 * i, 2, 100 + 2 * i, 50);
        }
        assertThat(states.entry(7).batches()).hasSize(ProducerStates.MAX_BATCHES);
        assertThat(states.check(7, 0, 10, 2)).isEqualTo(new ProducerStates.Verdict.Duplicate(
                new ProducerStates.BatchEntry(10, 11, 110, 50)));
        assertThat(states.check(7, 0, 0, 2)).as("older than the cached five")
                .isInstanceOf(ProducerStates.Verdict.OutOfOrder.class);
        assertThat(states.check(7, 0, 12, 3)).isInstanceOf(ProducerStates.Verdict.Append.class);
        assertThat(states.check(7, 0, 13, 1)).isInstanceOf(ProducerStates.Verdict.OutOfOrder.class);
        assertThat(states.check(7, 1, 0, 1)).isInstanceOf(ProducerStates.Verdict.Append.class);
        assertThat(states.withBatch(7, 1, 0, 1, 200, 60).check(7, 0, 12, 1))
                .isInstanceOf(ProducerStates.Verdict.Fenced.class);
        assertThat(ProducerStates.lastSequence(Integer.MAX_VALUE, 2)).isZero();
        assertThat(ProducerStates.decode(states.encode())).isEqualTo(states);
    }

    @Test
    void theValidatorRefusesCleanerOnlyAndBadProducerFields() {
        RecordBatchView batch = TestBatches.batch(1);
        RecordBatchView withSpan = batch.toBuilder().setHeader(batch.getHeader().toBuilder().setLastOffsetDelta(3))
                .build();
        assertThat(dev.sluice.broker.partition.BatchValidator.validate(withSpan, 1 << 20))
                .isInstanceOf(dev.sluice.broker.partition.ValidationResult.Invalid.class);
        assertThat(dev.sluice.broker.partition.BatchValidator.validate(idempotent(5, 0, -1, 1), 1 << 20))
                .isInstanceOf(dev.sluice.broker.partition.ValidationResult.Invalid.class);
        assertThat(dev.sluice.broker.partition.BatchValidator.validate(idempotent(5, 0, 0, 1), 1 << 20))
                .isInstanceOf(dev.sluice.broker.partition.ValidationResult.Valid.class);
    }

    @Test
    void partitionLogRefusesGapsAnswersDuplicatesAndKeepsStateAcrossARestart() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(log.append(TestBatches.batch(2), 0, 1).baseOffset()).isZero();
            assertThat(log.append(idempotent(9, 0, 0, 3), 0, 2).baseOffset()).isEqualTo(2);
            AppendResult again = log.append(idempotent(9, 0, 0, 3), 0, 3);
            assertThat(again).isEqualTo(new AppendResult(2, 4, 2, 0, true));
            assertThatThrownBy(() -> log.append(idempotent(9, 0, 4, 1), 0, 4))
                    .isInstanceOf(ProducerSequenceException.class);
            assertThat(log.logEndOffset()).isEqualTo(5);
        }
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            assertThat(log.append(idempotent(9, 0, 0, 3), 0, 5).duplicate()).isTrue();
            assertThat(log.append(idempotent(9, 0, 3, 1), 0, 5).baseOffset()).isEqualTo(5);
            log.truncateTo(5);
            assertThat(log.state().producers().entry(9).batches()).hasSize(1);
            assertThat(log.append(idempotent(9, 0, 3, 1), 0, 6).duplicate()).isFalse();
        }
    }

    @Test
    void aTruncationBelowEveryRememberedBatchRebuildsTheProducerFromTheLog() {
        ProducerStates states = ProducerStates.EMPTY;
        List<ProducerStates.StoredBatch> log = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int epoch = i < 2 ? 0 : 1;
            int sequence = i < 2 ? i : i - 2;
            states = states.withBatch(7, epoch, sequence, 1, 100 + i, 50);
            log.add(new ProducerStates.StoredBatch(7, epoch, sequence, sequence, 100 + i, 50));
        }
        states = states.withBatch(8, 0, 0, 1, 110, 50);
        assertThat(states.truncatedTo(105).entry(7)).as("the old rule forgot the producer").isNull();
        List<ProducerStates.StoredBatch> newestFirst = new java.util.ArrayList<>(log.subList(0, 5));
        java.util.Collections.reverse(newestFirst);
        ProducerStates rebuilt = states.rebuiltAfterTruncation(105, newestFirst.iterator());
        assertThat(rebuilt.entry(7)).as("the latest epoch only").isEqualTo(new ProducerStates.Entry(1, List.of(
                new ProducerStates.BatchEntry(0, 0, 102, 50), new ProducerStates.BatchEntry(1, 1, 103, 50),
                new ProducerStates.BatchEntry(2, 2, 104, 50))));
        assertThat(rebuilt.check(7, 1, 3, 1)).isInstanceOf(ProducerStates.Verdict.Append.class);
        assertThat(rebuilt.check(7, 1, 2, 1)).isInstanceOf(ProducerStates.Verdict.Duplicate.class);
        assertThat(rebuilt.entry(8)).as("no batch of it below the new end").isNull();
        assertThat(states.rebuiltAfterTruncation(111, List.<ProducerStates.StoredBatch>of().iterator()))
                .as("nothing remembered was cut").isEqualTo(states);
    }

    @Test
    void aLeaderTruncatedBelowAProducersLastFiveBatchesStillKnowsIt() {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(KEY);
            for (int sequence = 0; sequence < 7; sequence++) {
                log.append(idempotent(9, 0, sequence, 1), 0, 1);
            }
            log.append(TestBatches.batch(1), 0, 1);
            log.truncateTo(2);
            assertThat(log.state().producers().entry(9).batches()).extracting(ProducerStates.BatchEntry::baseOffset)
                    .containsExactly(0L, 1L);
            assertThat(log.append(idempotent(9, 0, 1, 1), 1, 2).duplicate()).isTrue();
            assertThat(log.append(idempotent(9, 0, 2, 1), 1, 2).baseOffset()).isEqualTo(2);
        }
        try (LogStore store = LogStore.open(dir)) {
            assertThat(store.partition(KEY).state().producers().entry(9).batches()).hasSize(3);
        }
    }
}
