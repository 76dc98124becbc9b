package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.BrokerInfo;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.PartitionMetadata;
import dev.sluice.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sequence numbers, up to five batches in flight per partition, and in-order retries. */
class IdempotentAccumulatorTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);
    private static final TopicPartition TP1 = new TopicPartition("t", 1);
    private static final String NODE = "b1:7092";
    private final Cluster cluster = Cluster.EMPTY.merge(MetadataResponse.newBuilder()
            .addBrokers(BrokerInfo.newBuilder().setNodeId(1).setHost("b1").setPort(7092))
            .addTopics(TopicMetadata.newBuilder().setName("t")
                    .addPartitions(PartitionMetadata.newBuilder().setPartition(0).setLeaderId(1))
                    .addPartitions(PartitionMetadata.newBuilder().setPartition(1).setLeaderId(1)))
            .build(), 0);
    private final ProducerIdempotence idempotence = new ProducerIdempotence();
    private final RecordAccumulator accumulator = new RecordAccumulator(64, 0, new BufferPool(1 << 20, 64),
            Codec.CODEC_NONE, idempotence, 5);

    private void appendBatches(int batches, int recordsEach) throws InterruptedException {
        appendBatches(TP0, batches, recordsEach);
    }

    private void appendBatches(TopicPartition partition, int batches, int recordsEach) throws InterruptedException {
        for (int b = 0; b < batches; b++) {
            for (int r = 0; r < recordsEach; r++) {
                accumulator.append(partition, 0, null, new byte[40 / recordsEach], List.of(), null, 0, false, 0);
            }
        }
    }

    /** A batch answered with a retriable error goes back to its queue. */
    private void retry(ProducerBatch batch) {
        batch.scheduleRetry(0);
        accumulator.unmute(batch.partition());
        accumulator.reenqueue(batch);
    }

    private List<ProducerBatch> drainAll(long nowMs) {
        List<ProducerBatch> out = new ArrayList<>();
        while (true) {
            Map<String, List<ProducerBatch>> drained = accumulator.drain(cluster, Set.of(NODE), 1 << 20, nowMs);
            if (drained.isEmpty()) {
                return out;
            }
            out.addAll(drained.get(NODE));
        }
    }

    /** {@code rounds} drains of TP0, each answered (unmuted) before the next, as one sender round after another. */
    private List<ProducerBatch> drainRounds(int rounds) {
        List<ProducerBatch> out = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<ProducerBatch> next = drainAll(0);
            out.addAll(next);
            next.forEach(batch -> accumulator.unmute(TP0));
        }
        return out;
    }

    @Test
    void upToFiveBatchesGoOutWithConsecutiveSequences() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(7, 1);
        List<ProducerBatch> sent = drainAll(0);
        assertThat(sent).hasSize(5);
        assertThat(sent).extracting(ProducerBatch::baseSequence).containsExactly(0, 1, 2, 3, 4);
        assertThat(sent).allMatch(b -> b.producerId() == 42);
        assertThat(accumulator.ready(cluster, 0).readyNodes()).isEmpty();
        accumulator.unmute(TP0);
        assertThat(drainAll(0)).extracting(ProducerBatch::baseSequence).containsExactly(5);
    }

    @Test
    void retriesAreResentOneAtATimeInSequenceOrderAndKeepTheirSequence() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(4, 1);
        List<ProducerBatch> sent = drainAll(0);
        assertThat(sent).hasSize(4);
        // Responses arrive out of order: batch 2 and 3 were refused as out of order, batch 1 failed retriably.
        for (int i : new int[] {3, 1, 2}) {
            sent.get(i).scheduleRetry(10);
            accumulator.unmute(TP0);
            accumulator.reenqueue(sent.get(i));
        }
        appendBatches(1, 1);
        assertThat(drainAll(20)).as("batch 0 is still in flight").isEmpty();
        accumulator.unmute(TP0);
        List<Integer> resent = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<ProducerBatch> next = drainAll(20);
            // A retry goes alone; once the last retry is out, fresh batches may follow it at once.
            assertThat(next).hasSize(round < 2 ? 1 : 2);
            next.forEach(batch -> resent.add(batch.baseSequence()));
            accumulator.unmute(TP0);
        }
        assertThat(resent).containsExactly(1, 2, 3, 4);
    }

    @Test
    void unknownProducerIdRenumbersThatPartitionUnderABumpedEpochOnceNothingOfItIsInFlight() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(3, 1);
        List<ProducerBatch> sent = drainAll(0);
        assertThat(sent).extracting(ProducerBatch::baseSequence).containsExactly(0, 1, 2);
        // Batch 1 is refused (the leader lost our state); batches 0 and 2 are still in flight.
        assertThat(idempotence.requestRenumbering(sent.get(1))).isTrue();
        assertThat(idempotence.producerId()).isEqualTo(42);
        assertThat(idempotence.producerEpoch()).isEqualTo(1);
        retry(sent.get(1));
        appendBatches(1, 1);
        assertThat(drainAll(0)).as("nothing may overtake the batches in flight").isEmpty();
        accumulator.unmute(TP0);
        sent.get(0).complete(0, 0);
        assertThat(drainAll(0)).as("batch 2 is still in flight").isEmpty();
        retry(sent.get(2));
        List<ProducerBatch> resent = drainRounds(3);
        assertThat(resent).hasSize(3);
        assertThat(resent.subList(0, 2)).containsExactly(sent.get(1), sent.get(2));
        assertThat(resent).extracting(ProducerBatch::baseSequence).containsExactly(0, 1, 2);
        assertThat(resent).allMatch(b -> b.producerId() == 42 && b.producerEpoch() == 1);
    }

    @Test
    void aBatchThatMayBeInTheLogKeepsItsSequenceUntilTheLeaderProvesItIsNotThere() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(2, 1);
        List<ProducerBatch> sent = drainAll(0);
        // Batch 0 failed for good; batch 1 timed out, so the leader may hold it at sequence 1 of epoch 0.
        assertThat(idempotence.requestRenumbering(sent.get(0))).isTrue();
        accumulator.unmute(TP0);
        sent.get(1).markMayBeInTheLog();
        retry(sent.get(1));
        appendBatches(1, 1);
        List<ProducerBatch> resent = drainAll(0);
        assertThat(resent).containsExactly(sent.get(1));
        assertThat(resent.get(0).producerEpoch()).as("resent as it was, so a leader holding it sees a duplicate")
                .isZero();
        assertThat(resent.get(0).baseSequence()).isEqualTo(1);

        // The leader refuses it by sequence (batch 0 is not there), so batch 1 is not there either: renumber.
        sent.get(1).markNotInTheLog();
        retry(sent.get(1));
        List<ProducerBatch> renumbered = drainRounds(2);
        assertThat(renumbered).hasSize(2);
        assertThat(renumbered.get(0)).isSameAs(sent.get(1));
        assertThat(renumbered).extracting(ProducerBatch::producerEpoch).containsExactly(1, 1);
        assertThat(renumbered).extracting(ProducerBatch::baseSequence).containsExactly(0, 1);
    }

    @Test
    void aBatchThatMayBeInTheLogAndIsAcknowledgedLetsTheNextBatchStartTheNewEpoch() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(2, 1);
        List<ProducerBatch> sent = drainAll(0);
        idempotence.requestRenumbering(sent.get(0));
        accumulator.unmute(TP0);
        sent.get(1).markMayBeInTheLog();
        retry(sent.get(1));
        assertThat(drainAll(0)).extracting(ProducerBatch::baseSequence).containsExactly(1);
        accumulator.unmute(TP0);
        sent.get(1).complete(1, 0);
        appendBatches(1, 1);
        List<ProducerBatch> fresh = drainAll(0);
        assertThat(fresh).hasSize(1);
        assertThat(fresh.get(0).producerEpoch()).isEqualTo(1);
        assertThat(fresh.get(0).baseSequence()).isZero();
    }

    @Test
    void aLaterAcknowledgedBatchOfTheSameNumberingProvesAnEarlierOneIsInTheLog() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(3, 1);
        List<ProducerBatch> sent = drainAll(0);
        idempotence.acknowledged(sent.get(1));
        assertThat(idempotence.laterBatchAcknowledged(sent.get(0))).isTrue();
        assertThat(idempotence.laterBatchAcknowledged(sent.get(1))).as("itself").isFalse();
        assertThat(idempotence.laterBatchAcknowledged(sent.get(2))).isFalse();
        idempotence.acknowledged(sent.get(0));
        assertThat(idempotence.laterBatchAcknowledged(sent.get(0))).as("a late answer keeps the highest").isTrue();

        ProducerBatch otherEpoch = sent.get(0);
        otherEpoch.setProducerState(42, 1, 0);
        assertThat(idempotence.laterBatchAcknowledged(otherEpoch)).as("another numbering").isFalse();

        // Across the wrap from Integer.MAX_VALUE to 0.
        ProducerBatch beforeWrap = sent.get(1);
        ProducerBatch afterWrap = sent.get(2);
        beforeWrap.setProducerState(42, 0, Integer.MAX_VALUE);
        afterWrap.setProducerState(42, 0, 0);
        idempotence.acknowledged(afterWrap);
        assertThat(idempotence.laterBatchAcknowledged(beforeWrap)).isTrue();
    }

    @Test
    void anotherPartitionKeepsItsSequencesAndMovesToTheNewEpochOnlyWhenIdle() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(TP0, 1, 1);
        appendBatches(TP1, 2, 1);
        List<ProducerBatch> sent = drainAll(0);
        ProducerBatch tp0 = sent.stream().filter(b -> b.partition().equals(TP0)).findFirst().orElseThrow();
        List<ProducerBatch> tp1 = sent.stream().filter(b -> b.partition().equals(TP1)).toList();
        assertThat(tp1).extracting(ProducerBatch::baseSequence).containsExactly(0, 1);
        idempotence.requestRenumbering(tp0);
        // TP1's first batch was written but its answer lost: the retry must keep its sequence so the leader
        // recognises it, and a new TP1 batch must wait for both.
        retry(tp1.get(0));
        appendBatches(TP1, 1, 1);
        assertThat(drainAll(0)).filteredOn(b -> b.partition().equals(TP1)).isEmpty();
        accumulator.unmute(TP1);
        tp1.get(1).complete(1, 0);
        List<ProducerBatch> retried = drainAll(0).stream().filter(b -> b.partition().equals(TP1)).toList();
        assertThat(retried).containsExactly(tp1.get(0));
        assertThat(retried.get(0).producerEpoch()).isZero();
        assertThat(retried.get(0).baseSequence()).isZero();
        accumulator.unmute(TP1);
        tp1.get(0).complete(0, 0);
        List<ProducerBatch> fresh = drainAll(0).stream().filter(b -> b.partition().equals(TP1)).toList();
        assertThat(fresh).hasSize(1);
        assertThat(fresh.get(0).producerEpoch()).isEqualTo(1);
        assertThat(fresh.get(0).baseSequence()).isZero();
    }

    @Test
    void aFailedBatchOfAnOlderNumberingBumpsNothing() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(2, 1);
        List<ProducerBatch> sent = drainAll(0);
        assertThat(idempotence.requestRenumbering(sent.get(0))).isTrue();
        assertThat(idempotence.requestRenumbering(sent.get(1))).as("same numbering, already marked").isTrue();
        assertThat(idempotence.producerEpoch()).as("one bump for the partition").isEqualTo(1);
        retry(sent.get(0));
        retry(sent.get(1));
        List<ProducerBatch> resent = drainAll(0);
        assertThat(resent).containsExactly(sent.get(0));
        assertThat(resent.get(0).producerEpoch()).isEqualTo(1);
        assertThat(idempotence.requestRenumbering(sent.get(1))).as("still in the old numbering").isFalse();
        assertThat(idempotence.producerEpoch()).isEqualTo(1);
    }

    @Test
    void theLastEpochMakesTheProducerFetchANewId() throws Exception {
        idempotence.setProducerId(42, Integer.MAX_VALUE);
        appendBatches(1, 1);
        ProducerBatch sent = drainAll(0).get(0);
        idempotence.requestRenumbering(sent);
        assertThat(idempotence.hasProducerId()).isFalse();
        idempotence.setProducerId(43, 0);
        retry(sent);
        ProducerBatch retried = drainAll(0).get(0);
        assertThat(retried.producerId()).isEqualTo(43);
        assertThat(retried.baseSequence()).isZero();
    }
}
