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
    private static final String NODE = "b1:7092";
    private final Cluster cluster = Cluster.EMPTY.merge(MetadataResponse.newBuilder()
            .addBrokers(BrokerInfo.newBuilder().setNodeId(1).setHost("b1").setPort(7092))
            .addTopics(TopicMetadata.newBuilder().setName("t")
                    .addPartitions(PartitionMetadata.newBuilder().setPartition(0).setLeaderId(1)))
            .build(), 0);
    private final ProducerIdempotence idempotence = new ProducerIdempotence();
    private final RecordAccumulator accumulator = new RecordAccumulator(64, 0, new BufferPool(1 << 20, 64),
            Codec.CODEC_NONE, idempotence, 5);

    private void appendBatches(int batches, int recordsEach) throws InterruptedException {
        for (int b = 0; b < batches; b++) {
            for (int r = 0; r < recordsEach; r++) {
                accumulator.append(TP0, 0, null, new byte[40 / recordsEach], List.of(), null, 0, false, 0);
            }
        }
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
    void aNewProducerIdResequencesUnacknowledgedBatches() throws Exception {
        idempotence.setProducerId(42, 0);
        appendBatches(2, 2);
        List<ProducerBatch> sent = drainAll(0);
        assertThat(sent).extracting(ProducerBatch::baseSequence).containsExactly(0, 2);
        assertThat(idempotence.breaksSequence(sent.get(0))).isTrue();
        idempotence.reset();
        idempotence.setProducerId(43, 0);
        sent.get(1).scheduleRetry(0);
        accumulator.unmute(TP0);
        accumulator.unmute(TP0);
        accumulator.reenqueue(sent.get(1));
        ProducerBatch retried = drainAll(0).get(0);
        assertThat(retried.producerId()).isEqualTo(43);
        assertThat(retried.baseSequence()).isZero();
    }
}
