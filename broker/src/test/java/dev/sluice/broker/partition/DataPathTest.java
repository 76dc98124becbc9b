package dev.sluice.broker.partition;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.sluice.testing.FakeClock;
import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.broker.testing.CountingExecutor;
import dev.sluice.broker.testing.CountingScheduler;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.FetchResponse;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.RecordBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Produce → fetch through the handlers, on a real store, the way the gRPC service will call them. */
class DataPathTest {

    @TempDir
    Path dir;
    private LogStore store;
    private TestResolver resolver;
    private ScheduledExecutorService scheduler;
    private ProduceHandler produce;
    private FetchHandler fetch;
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);

    @BeforeEach
    void setUp() {
        store = LogStore.open(dir);
        resolver = new TestResolver(store)
                .lead("orders", 2, LogConfig.DEFAULT)
                .lead("tiny", 1, new LogConfig(-1, -1, 200))
                .ledBy("elsewhere", 2);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        produce = new ProduceHandler(resolver, HighWatermarkPolicy.SINGLE_REPLICA, clock);
        fetch = new FetchHandler(resolver, scheduler);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
        store.close();
    }

    /** A produce request as a generated client sends it, parsed through the broker's view. */
    static ProduceRequestView request(int acks, String topic, int partition, RecordBatch batch) throws Exception {
        ProduceRequest client = ProduceRequest.newBuilder().setAcks(acks)
                .addPartitions(ProducePartition.newBuilder().setTopic(topic).setPartition(partition).setBatch(batch))
                .build();
        return ProduceRequestView.parseFrom(client.toByteString());
    }

    /** Records in a batch too large for the newest batches kept in memory ({@link PartitionLog#TAIL_MAX_BYTES}). */
    private static final int LARGER_THAN_MEMORY = 5_000;

    private ProducePartitionResult produceOne(String topic, int partition, int records) throws Exception {
        return produce.handle(request(1, topic, partition, TestBatches.clientBatch(records, 10, 20))).join()
                .getResults(0);
    }

    private static FetchRequest fetchRequest(int minBytes, int maxWaitMs, String topic, int partition, long offset) {
        return FetchRequest.newBuilder().setMinBytes(minBytes).setMaxWaitMs(maxWaitMs).setMaxBytes(1 << 20)
                .addPartitions(FetchPartition.newBuilder().setTopic(topic).setPartition(partition)
                        .setFetchOffset(offset).setPartitionMaxBytes(1 << 20))
                .build();
    }

    @Test
    void producedRecordsComeBackFromFetchAsThePublicTypes() throws Exception {
        ProducePartitionResult first = produceOne("orders", 0, 3);
        ProducePartitionResult second = produceOne("orders", 0, 2);

        assertThat(first.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(first.getBaseOffset()).isZero();
        assertThat(second.getBaseOffset()).isEqualTo(3);
        assertThat(second.getLogAppendTimeMs()).isEqualTo(clock.millis());

        FetchResponseView view = fetch.handle(fetchRequest(1, 0, "orders", 0, 4)).get(5, SECONDS);
        // The broker's view and the client's public type share the wire format.
        FetchResponse response = FetchResponse.parseFrom(view.toByteString());
        assertThat(response.getResults(0).getHighWatermark()).isEqualTo(5);
        assertThat(response.getResults(0).getBatchesList()).hasSize(1);
        RecordBatch batch = response.getResults(0).getBatches(0);
        assertThat(batch.getHeader().getBaseOffset()).isEqualTo(3);
        assertThat(batch.getRecords().getRecordsList()).extracting(LogRecord::getValue)
                .containsExactly(ByteString.copyFromUtf8("value-0"), ByteString.copyFromUtf8("value-1"));
    }

    @Test
    void invalidBatchesAndBadRoutingWriteNothing() throws Exception {
        RecordBatch lying = TestBatches.clientBatch(3, 10, 20).toBuilder()
                .setHeader(TestBatches.clientBatch(3, 10, 20).getHeader().toBuilder().setRecordCount(4)).build();

        assertThat(produce.handle(request(1, "orders", 0, lying)).join().getResults(0).getError())
                .isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(produceOne("tiny", 0, 50).getError()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(produce.handle(request(2, "orders", 0, TestBatches.clientBatch(1, 1, 1))).join().getResults(0)
                .getError()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(produceOne("nope", 0, 1).getError()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(produceOne("orders", 7, 1).getError()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        ProducePartitionResult misrouted = produceOne("elsewhere", 0, 1);
        assertThat(misrouted.getError()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(misrouted.getLeaderId()).isEqualTo(2);

        assertThat(resolver.log("orders", 0).logEndOffset()).isZero();
        assertThat(resolver.log("tiny", 0).logEndOffset()).isZero();
    }

    /**
     * A long poll with nothing new to read starts without a re-read. An append wakes it: a batch kept in memory (the
     * newest) is re-read on the appending thread, with no hand-off; one too large to keep there is re-read on the
     * re-read pool, never through the scheduler.
     */
    @Test
    void aLongPollStartsWithoutAReReadAndAnAppendAnswersIt() throws Exception {
        CountingScheduler counting = new CountingScheduler(1);
        CountingExecutor rereads = new CountingExecutor();
        try {
            FetchHandler waiting = new FetchHandler(resolver, counting, rereads, () -> true);
            produceOne("orders", 0, 2);

            CompletableFuture<FetchResponseView> poll = waiting.handle(fetchRequest(1, 60_000, "orders", 0, 2));
            assertThat(poll).isNotDone();
            assertThat(rereads.tasks()).as("re-reads before any append").hasValue(0);

            produceOne("orders", 0, 3);
            FetchPartitionResultView answered = poll.get(5, SECONDS).getResults(0);
            assertThat(answered.getBatchesCount()).isEqualTo(1);
            assertThat(answered.getHighWatermark()).isEqualTo(5);
            assertThat(rereads.tasks()).as("re-reads handed off for a batch in memory").hasValue(0);

            CompletableFuture<FetchResponseView> next = waiting.handle(fetchRequest(1, 60_000, "orders", 0, 5));
            produceOne("orders", 0, LARGER_THAN_MEMORY);
            assertThat(next.get(5, SECONDS).getResults(0).getBatchesCount()).isEqualTo(1);
            assertThat(rereads.tasks()).as("re-reads handed off for a batch read from the store").hasValue(1);
            assertThat(counting.executed()).as("re-reads through the scheduler").hasValue(0);
        } finally {
            counting.shutdownNow();
            rereads.shutdownNow();
        }
    }

    /**
     * A broker shutting its pool down refuses the re-read: the waiting consumer gets an error at once, and the append
     * that woke it is not failed by that.
     */
    @Test
    void aReReadThatThePoolRefusesEndsTheWaitWithAnErrorAndTheAppendStillSucceeds() throws Exception {
        FetchHandler closing = new FetchHandler(resolver, scheduler, task -> {
            throw new RejectedExecutionException("pool shut down");
        }, () -> true);
        produceOne("orders", 0, 2);
        CompletableFuture<FetchResponseView> poll = closing.handle(fetchRequest(1, 60_000, "orders", 0, 2));
        assertThat(poll).isNotDone();

        assertThat(produceOne("orders", 0, LARGER_THAN_MEMORY).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(poll).isCompletedExceptionally();
        assertThat(resolver.log("orders", 0).highWatermark()).isEqualTo(2 + LARGER_THAN_MEMORY);
    }

    @Test
    void fetchReportsPerPartitionErrorsAndStillServesTheOthers() throws Exception {
        produceOne("orders", 1, 2);
        FetchRequest request = FetchRequest.newBuilder().setMinBytes(1).setMaxWaitMs(60_000)
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(1).setFetchOffset(0))
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0).setFetchOffset(5))
                .addPartitions(FetchPartition.newBuilder().setTopic("elsewhere").setPartition(0))
                .addPartitions(FetchPartition.newBuilder().setTopic("nope").setPartition(0))
                .build();

        List<FetchPartitionResultView> results = fetch.handle(request).get(5, SECONDS).getResultsList();

        assertThat(results).extracting(FetchPartitionResultView::getError).containsExactly(ErrorCode.NONE,
                ErrorCode.OFFSET_OUT_OF_RANGE, ErrorCode.NOT_LEADER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(results.get(0).getBatchesCount()).isEqualTo(1);
        assertThat(results.get(2).getLeaderId()).isEqualTo(2);
    }

    @Test
    void beyondTheLogEndWithoutControllerContactIsNotLeaderNotOutOfRange() throws Exception {
        produceOne("orders", 0, 2);
        java.util.concurrent.atomic.AtomicBoolean inContact = new java.util.concurrent.atomic.AtomicBoolean(false);
        FetchHandler cutOff = new FetchHandler(resolver, scheduler, scheduler, inContact::get);
        FetchRequest beyondEnd = FetchRequest.newBuilder()
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0).setFetchOffset(50))
                .build();
        FetchRequest belowStart = FetchRequest.newBuilder()
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0).setFetchOffset(-1))
                .build();

        // A consumer whose position came from a newer leader must not be told to reset by a deposed one.
        assertThat(cutOff.handle(beyondEnd).get(5, SECONDS).getResults(0).getError())
                .isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(cutOff.handle(belowStart).get(5, SECONDS).getResults(0).getError())
                .isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        inContact.set(true);
        assertThat(cutOff.handle(beyondEnd).get(5, SECONDS).getResults(0).getError())
                .as("in contact, the partition really ends there").isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void negativeFetchLimitsAreInvalidRequestsNotDefaults() throws Exception {
        produceOne("orders", 0, 2);
        FetchRequest good = fetchRequest(0, 0, "orders", 0, 0);
        List<FetchRequest> bad = List.of(good.toBuilder().setMaxBytes(-1).build(),
                good.toBuilder().setMinBytes(-1).build(), good.toBuilder().setMaxWaitMs(-1).build(),
                good.toBuilder().setPartitions(0, good.getPartitions(0).toBuilder().setPartitionMaxBytes(-1)).build());

        for (FetchRequest request : bad) {
            FetchPartitionResultView result = fetch.handle(request).get(5, SECONDS).getResults(0);
            assertThat(result.getError()).as(request.toString()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(result.getErrorMessage()).contains("must be >= 0");
            assertThat(result.getBatchesCount()).isZero();
        }
        // Zero still means "unset": the defaults apply.
        FetchRequest unset = good.toBuilder().setMaxBytes(0)
                .setPartitions(0, good.getPartitions(0).toBuilder().setPartitionMaxBytes(0)).build();
        assertThat(fetch.handle(unset).get(5, SECONDS).getResults(0).getBatchesCount()).isEqualTo(1);
    }

    @Test
    void aNegativeProduceTimeoutIsAnInvalidRequestAndWritesNothing() throws Exception {
        ProduceRequestView request = request(-1, "orders", 0, TestBatches.clientBatch(2, 10, 20)).toBuilder()
                .setTimeoutMs(-5).build();

        ProducePartitionResult result = produce.handle(request).join().getResults(0);

        assertThat(result.getError()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(result.getErrorMessage()).contains("timeout_ms");
        assertThat(resolver.log("orders", 0).logEndOffset()).isZero();
    }

    @Test
    void totalMaxBytesStillReturnsOneBatchOverall() throws Exception {
        produceOne("orders", 0, 2);
        produceOne("orders", 1, 2);
        FetchRequest request = FetchRequest.newBuilder().setMaxBytes(1)
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0).setPartitionMaxBytes(1))
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(1).setPartitionMaxBytes(1))
                .build();

        List<FetchPartitionResultView> results = fetch.handle(request).get(5, SECONDS).getResultsList();

        assertThat(results.get(0).getBatchesCount()).isEqualTo(1);
        assertThat(results.get(1).getBatchesCount()).isZero();
        assertThat(results.get(1).getHighWatermark()).isEqualTo(2);
    }

    @Test
    void fetchBeyondTheHighWatermarkSeesNothing() throws Exception {
        produceOne("orders", 0, 2);
        PartitionLog log = resolver.log("orders", 0);
        // A replicated leader appends without moving the high watermark.
        log.append(TestBatches.batch(3), 1, clock.millis());

        FetchResponseView view = fetch.handle(fetchRequest(0, 0, "orders", 0, 0)).get(5, SECONDS);

        assertThat(view.getResults(0).getBatchesCount()).isEqualTo(1);
        assertThat(view.getResults(0).getHighWatermark()).isEqualTo(2);
        assertThat(fetch.handle(fetchRequest(0, 0, "orders", 0, 2)).get(5, SECONDS).getResults(0).getBatchesCount())
                .isZero();
    }

    @Test
    void onlyAFetchOfCommittedDataAtItsOffsetNotAmongTheNewestBatchesReadsTheStore() throws Exception {
        produceOne("orders", 0, 2);
        PartitionLog log = resolver.log("orders", 0);
        // Beyond the high watermark (2); enough batches that the first is no longer among the newest, in memory.
        for (int i = 0; i < PartitionLog.TAIL_MAX_BATCHES; i++) {
            log.append(TestBatches.batch(1), 1, clock.millis());
        }

        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 0))).isTrue();
        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 1))).isTrue();
        // Caught up to the high watermark, past it, errors and invalid limits: answered from memory.
        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 2))).isFalse();
        assertThat(fetch.readsStore(fetchRequest(1, 500, "orders", 0, 2))).isFalse();
        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 99))).isFalse();
        assertThat(fetch.readsStore(fetchRequest(0, 0, "nope", 0, 0))).isFalse();
        assertThat(fetch.readsStore(fetchRequest(0, 0, "elsewhere", 0, 0))).isFalse();
        assertThat(fetch.readsStore(fetchRequest(0, -1, "orders", 0, 0))).isFalse();
        // One partition with data is enough.
        FetchRequest two = fetchRequest(0, 0, "orders", 1, 0).toBuilder()
                .addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0).setFetchOffset(0))
                .build();
        assertThat(fetch.readsStore(two)).isTrue();

        log.updateHighWatermark(log.logEndOffset());
        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 2))).as("committed, among the newest").isFalse();
        assertThat(fetch.readsStore(fetchRequest(0, 0, "orders", 0, 1))).as("committed, older").isTrue();
    }

    @Test
    void longPollCompletesWhenDataArrives() throws Exception {
        produceOne("orders", 0, 1);
        CompletableFuture<FetchResponseView> waiting = fetch.handle(fetchRequest(1, 60_000, "orders", 0, 1));
        assertThat(waiting).isNotDone();

        produceOne("orders", 0, 2);

        await().atMost(10, SECONDS).until(waiting::isDone);
        FetchPartitionResultView result = waiting.get().getResults(0);
        assertThat(result.getHighWatermark()).isEqualTo(3);
        assertThat(TestBatches.decode(result.getBatches(0)).getHeader().getBaseOffset()).isEqualTo(1);
    }

    @Test
    void longPollWaitsForMinBytes() throws Exception {
        CompletableFuture<FetchResponseView> waiting = fetch.handle(fetchRequest(10_000, 60_000, "orders", 0, 0));

        produceOne("orders", 0, 1);
        PartitionLog log = resolver.log("orders", 0);
        await().atMost(10, SECONDS).until(() -> log.highWatermark() == 1);
        assertThat(waiting).isNotDone();

        RecordBatch big = TestBatches.clientBatch(1, 10, 20).toBuilder().setRecords(
                TestBatches.clientBatch(1, 10, 20).getRecords().toBuilder().setRecords(0,
                        LogRecord.newBuilder().setValue(ByteString.copyFrom(new byte[20_000])))).build();
        produce.handle(request(-1, "orders", 0, big)).join();

        await().atMost(10, SECONDS).until(waiting::isDone);
        assertThat(waiting.get().getResults(0).getBatchesCount()).isEqualTo(2);
    }

    @Test
    void longPollAnswersWithWhatIsThereWhenMaxWaitElapses() throws Exception {
        CompletableFuture<FetchResponseView> waiting = fetch.handle(fetchRequest(1, 100, "orders", 0, 0));

        await().atMost(10, SECONDS).until(waiting::isDone);

        FetchPartitionResultView result = waiting.get().getResults(0);
        assertThat(result.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(result.getBatchesCount()).isZero();
    }

    @Test
    void acksZeroAndAllAreAnsweredAfterTheLocalAppend() throws Exception {
        for (int acks : new int[] {0, -1}) {
            ProducePartitionResult result = produce.handle(request(acks, "orders", 0,
                    TestBatches.clientBatch(1, 1, 1))).join().getResults(0);
            assertThat(result.getError()).isEqualTo(ErrorCode.NONE);
        }
        assertThat(resolver.log("orders", 0).highWatermark()).isEqualTo(2);
    }
}
