package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.MetadataResponse;
import dev.sluice.proto.v1.BrokerInfo;
import dev.sluice.proto.v1.PartitionMetadata;
import dev.sluice.proto.v1.TopicMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {
    private static final TopicPartition TP0 = new TopicPartition("t", 0);
    private static final TopicPartition TP1 = new TopicPartition("t", 1);
    private final FakeTime time = new FakeTime(1_000);
    private final Cluster cluster = Cluster.EMPTY.merge(MetadataResponse.newBuilder()
            .addBrokers(BrokerInfo.newBuilder().setNodeId(1).setHost("b1").setPort(7092))
            .addTopics(TopicMetadata.newBuilder().setName("t")
                    .addPartitions(PartitionMetadata.newBuilder().setPartition(0).setLeaderId(1))
                    .addPartitions(PartitionMetadata.newBuilder().setPartition(1).setLeaderId(1)))
            .build(), 0);

    private RecordAccumulator accumulator(int batchSize, long lingerMs) {
        return new RecordAccumulator(batchSize, lingerMs, new BufferPool(1 << 20, batchSize));
    }

    @Test
    void batchIsReadyOnlyAfterLinger() throws Exception {
        RecordAccumulator acc = accumulator(1024, 10);
        acc.append(TP0, time.milliseconds(), null, new byte[10], List.of(), null, time.milliseconds(), false, 0);
        RecordAccumulator.ReadyResult ready = acc.ready(cluster, time.milliseconds());
        assertThat(ready.readyNodes()).isEmpty();
        assertThat(ready.nextReadyCheckDelayMs()).isEqualTo(10);
        time.advance(9);
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes()).isEmpty();
        time.advance(1);
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes()).containsExactly("b1:7092");
    }

    @Test
    void fullBatchIsReadyAtOnceAndANewBatchStarts() throws Exception {
        RecordAccumulator acc = accumulator(100, 60_000);
        RecordAccumulator.AppendResult last = null;
        int newBatches = 0;
        for (int i = 0; i < 5; i++) {
            last = acc.append(TP0, 0, null, new byte[20], List.of(), null, time.milliseconds(), false, 0);
            newBatches += last.newBatchCreated() ? 1 : 0;
        }
        assertThat(newBatches).isEqualTo(2);
        assertThat(last.batchFull()).isTrue();
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes()).containsExactly("b1:7092");
        Map<String, List<ProducerBatch>> drained = acc.drain(cluster, Set.of("b1:7092"), 1 << 20, time.milliseconds());
        assertThat(drained.get("b1:7092")).hasSize(1);
        assertThat(drained.get("b1:7092").get(0).recordCount()).isEqualTo(4);
        assertThat(drained.get("b1:7092").get(0).isClosed()).isTrue();
    }

    @Test
    void abortOnNewBatchLetsTheStickyPartitionerMove() throws Exception {
        RecordAccumulator acc = accumulator(100, 0);
        assertThat(acc.append(TP0, 0, null, new byte[10], List.of(), null, 0, true, 0).aborted()).isTrue();
        assertThat(acc.append(TP0, 0, null, new byte[10], List.of(), null, 0, false, 0).aborted()).isFalse();
        assertThat(acc.append(TP0, 0, null, new byte[10], List.of(), null, 0, true, 0).aborted()).isFalse();
    }

    @Test
    void drainRespectsMaxRequestSizeButAlwaysSendsOneBatch() throws Exception {
        RecordAccumulator acc = accumulator(1000, 0);
        acc.append(TP0, 0, null, new byte[900], List.of(), null, 0, false, 0);
        acc.append(TP1, 0, null, new byte[900], List.of(), null, 0, false, 0);
        Map<String, List<ProducerBatch>> drained = acc.drain(cluster, Set.of("b1:7092"), 1000, 0);
        assertThat(drained.get("b1:7092")).hasSize(1);
        assertThat(acc.hasUndrained()).isTrue();
    }

    @Test
    void retriedBatchWaitsForBackoffAndExpiresAfterDeliveryTimeout() throws Exception {
        RecordAccumulator acc = accumulator(1000, 0);
        acc.append(TP0, 0, null, new byte[10], List.of(), null, time.milliseconds(), false, 0);
        ProducerBatch batch = acc.drain(cluster, Set.of("b1:7092"), 1 << 20, time.milliseconds()).get("b1:7092").get(0);
        acc.append(TP0, 0, null, new byte[10], List.of(), null, time.milliseconds(), false, 0);
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes())
                .as("a partition with a batch in flight sends nothing else, so order holds").isEmpty();
        acc.unmute(TP0);
        batch.scheduleRetry(time.milliseconds() + 100);
        acc.reenqueue(batch);
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes()).isEmpty();
        time.advance(100);
        assertThat(acc.ready(cluster, time.milliseconds()).readyNodes()).containsExactly("b1:7092");
        assertThat(acc.expiredBatches(500, time.milliseconds())).isEmpty();
        time.advance(400);
        assertThat(acc.expiredBatches(500, time.milliseconds())).hasSize(2).startsWith(batch);
    }

    @Test
    void unknownLeaderIsReportedAndFlushMakesEverythingReady() throws Exception {
        RecordAccumulator acc = accumulator(1000, 60_000);
        acc.append(new TopicPartition("other", 0), 0, null, new byte[1], List.of(), null, 0, false, 0);
        acc.append(TP0, 0, null, new byte[1], List.of(), null, 0, false, 0);
        RecordAccumulator.ReadyResult ready = acc.ready(cluster, 0);
        assertThat(ready.unknownLeaderTopics()).containsExactly("other");
        assertThat(ready.readyNodes()).isEmpty();
        acc.beginFlush();
        assertThat(acc.ready(cluster, 0).readyNodes()).containsExactly("b1:7092");
    }

    @Test
    void expiryTakesOnlyTheExpiredPrefixOfEachQueue() throws Exception {
        RecordAccumulator acc = accumulator(100, 0);
        for (int i = 0; i < 3; i++) {
            acc.append(TP0, 0, null, new byte[90], List.of(), null, time.milliseconds(), false, 0);
            acc.append(TP1, 0, null, new byte[90], List.of(), null, time.milliseconds(), false, 0);
            time.advance(100);
        }
        // Batches were created at 1000, 1100 and 1200 in both partitions; at 1300 the first two are 200+ ms old.
        List<ProducerBatch> expired = acc.expiredBatches(200, time.milliseconds());
        assertThat(expired).hasSize(4).allMatch(ProducerBatch::isClosed)
                .extracting(ProducerBatch::createdMs).containsOnly(1_000L, 1_100L);
        assertThat(acc.expiredBatches(200, time.milliseconds())).isEmpty();
        Map<String, List<ProducerBatch>> drained = acc.drain(cluster, Set.of("b1:7092"), 1 << 20, time.milliseconds());
        assertThat(drained.get("b1:7092")).extracting(ProducerBatch::createdMs).containsExactly(1_200L, 1_200L);
    }
}
