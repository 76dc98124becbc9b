package dev.sluice.broker.log;

import static dev.sluice.broker.log.TestBatches.clientBatch;
import static dev.sluice.broker.log.TestBatches.batch;
import static dev.sluice.broker.log.TestBatches.decode;
import static dev.sluice.broker.log.TestBatches.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.PartitionState.LeaderEpochEntry;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.wire.BatchChecksum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

    private static final PartitionKey KEY = new PartitionKey(new UUID(1, 2), 0);

    @TempDir
    Path dir;
    private LogStore store;
    private PartitionLog log;

    @BeforeEach
    void open() {
        store = LogStore.open(dir);
        log = store.partition(KEY);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Appends batches of the given sizes at epoch 0 and raises the high watermark to the log end. */
    private void appendCommitted(int... recordCounts) {
        for (int count : recordCounts) {
            log.append(batch(count), 0, 5_000);
        }
        log.updateHighWatermark(log.logEndOffset());
    }

    private static List<Long> baseOffsets(ReadResult read) {
        List<Long> offsets = new ArrayList<>();
        for (ByteString stored : read.batches()) {
            offsets.add(decode(stored).getHeader().getBaseOffset());
        }
        return offsets;
    }

    @Test
    void assignsConsecutiveOffsetsAcrossBatches() {
        AppendResult first = log.append(batch(3), 7, 5_000);
        AppendResult second = log.append(batch(1), 7, 5_001);
        AppendResult third = log.append(batch(5), 8, 5_002);

        assertThat(first).isEqualTo(new AppendResult(0, 2, 5_000, 0));
        assertThat(second).isEqualTo(new AppendResult(3, 3, 5_001, 0));
        assertThat(third).isEqualTo(new AppendResult(4, 8, 5_002, 0));
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(log.highWatermark()).isZero();
        assertThat(log.state().leaderEpochs())
                .containsExactly(new LeaderEpochEntry(7, 0), new LeaderEpochEntry(8, 4));
    }

    @Test
    void storesBrokerFieldsInTheHeaderAndKeepsTheRecordsBytes() {
        RecordBatch unchecked = TestBatches.clientBatch(2, 100, 150);
        // As the validator hands it over: with the CRC32C of its records (computed when the client sent none).
        RecordBatch client = unchecked.toBuilder().setHeader(unchecked.getHeader().toBuilder()
                .setCrc32C(BatchChecksum.crc32c(unchecked.getRecords().toByteString()))).build();
        log.append(TestBatches.view(client), 3, 9_999);
        log.updateHighWatermark(2);

        RecordBatch stored = decode(log.read(0, 1 << 20, 2).batches().get(0));
        assertThat(stored.getHeader().getBaseOffset()).isZero();
        assertThat(stored.getHeader().getLeaderEpoch()).isEqualTo(3);
        assertThat(stored.getHeader().getAppendTimeMs()).isEqualTo(9_999);
        assertThat(stored.getHeader().getCrc32C()).isEqualTo(BatchChecksum.crc32c(client.getRecords().toByteString()));
        assertThat(stored.getRecords()).isEqualTo(client.getRecords());
        assertThat(log.sizeBytes()).isEqualTo(log.read(0, 1 << 20, 2).sizeBytes());
    }

    @Test
    void readFromTheMiddleOfABatchStartsWithThatWholeBatch() {
        appendCommitted(3, 1, 5);

        assertThat(baseOffsets(log.read(6, 1 << 20, 9))).containsExactly(4L);
        assertThat(baseOffsets(log.read(1, 1 << 20, 9))).containsExactly(0L, 3L, 4L);
        assertThat(baseOffsets(log.read(3, 1 << 20, 9))).containsExactly(3L, 4L);
    }

    @Test
    void readRespectsMaxBytesButReturnsAtLeastOneBatch() {
        appendCommitted(2, 2, 2);
        List<ByteString> all = log.read(0, 1 << 20, 6).batches();
        // Sizes differ slightly: a stored header's base offset 0 is not serialized, later ones are.
        int firstTwoBytes = all.get(0).size() + all.get(1).size();

        assertThat(baseOffsets(log.read(0, 1, 6))).containsExactly(0L);
        assertThat(log.read(0, 1, 6, false).batches()).isEmpty();
        assertThat(baseOffsets(log.read(0, firstTwoBytes, 6))).containsExactly(0L, 2L);
        assertThat(baseOffsets(log.read(0, firstTwoBytes - 1, 6))).containsExactly(0L);
    }

    @Test
    void readStopsBelowMaxOffsetExclusive() {
        appendCommitted(3, 3, 3);

        assertThat(baseOffsets(log.read(0, 1 << 20, 6))).containsExactly(0L, 3L);
        assertThat(log.read(6, 1 << 20, 6).batches()).isEmpty();
        assertThat(log.read(6, 1 << 20, 6).status()).isEqualTo(ReadResult.Status.OK);
    }

    @Test
    void readOutsideTheLogIsOffsetOutOfRange() {
        appendCommitted(3, 3, 3);
        log.maybeDeleteBefore(3);

        assertThat(log.read(2, 1 << 20, 9).status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        assertThat(log.read(10, 1 << 20, 9).status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        ReadResult atEnd = log.read(9, 1 << 20, 9);
        assertThat(atEnd.status()).isEqualTo(ReadResult.Status.OK);
        assertThat(atEnd.batches()).isEmpty();
        assertThat(baseOffsets(log.read(3, 1 << 20, 9))).containsExactly(3L, 6L);
    }

    @Test
    void readingFlushedBatchesLeavesTheBlockCacheToIndexAndState() {
        for (int i = 0; i < 200; i++) {
            appendCommitted(5);
        }
        store.flushMemTablesForTest();
        long dataBlocksCached = store.ticker("BLOCK_CACHE_DATA_ADD");
        long dataBlocksRead = store.ticker("BLOCK_CACHE_DATA_MISS");

        long offset = 0;
        while (offset < 1000) {
            ReadResult read = log.read(offset, 16 * 1024, Long.MAX_VALUE);
            offset = decode(read.batches().get(read.batches().size() - 1)).getHeader().getBaseOffset() + 5;
        }

        assertThat(store.ticker("BLOCK_CACHE_DATA_MISS")).as("blocks read from the SST files")
                .isGreaterThan(dataBlocksRead);
        assertThat(store.ticker("BLOCK_CACHE_DATA_ADD")).as("data blocks put in the block cache")
                .isEqualTo(dataBlocksCached);
    }

    /**
     * The newest batches are answered from memory exactly as the store answers them: every read of the log (fetch
     * offsets, byte limits, upper bounds) gives the same result before and after a restart, which empties memory.
     */
    @Test
    void readsOfTheNewestBatchesAnswerFromMemoryWhatTheStoreHolds() {
        appendCommitted(3, 1, 5, 2, 4);
        List<ReadResult> fromMemory = everyRead();
        assertThat(log.readsFromMemory(0, Long.MAX_VALUE)).isTrue();

        store.close();
        store = LogStore.open(dir);
        log = store.partition(KEY);

        assertThat(log.readsFromMemory(0, Long.MAX_VALUE)).as("after a restart").isFalse();
        assertThat(everyRead()).isEqualTo(fromMemory);
    }

    /** Every fetch offset in and around the log, with byte limits and upper bounds on both sides of each batch. */
    private List<ReadResult> everyRead() {
        int totalBytes = (int) log.sizeBytes();
        List<ReadResult> reads = new ArrayList<>();
        for (long offset = 0; offset <= log.logEndOffset() + 1; offset++) {
            for (int maxBytes : new int[] {0, 1, totalBytes / 3, totalBytes / 2, totalBytes}) {
                for (long upTo : new long[] {0, 4, 9, 10, log.logEndOffset(), Long.MAX_VALUE}) {
                    reads.add(log.read(offset, maxBytes, upTo, true));
                    reads.add(log.read(offset, maxBytes, upTo, false));
                }
            }
        }
        return reads;
    }

    @Test
    void onlyTheNewestBatchesStayInMemory() {
        for (int i = 0; i < PartitionLog.TAIL_MAX_BATCHES + 8; i++) {
            appendCommitted(2);
        }
        long end = log.logEndOffset();

        assertThat(log.readsFromMemory(0, end)).as("the oldest batches").isFalse();
        assertThat(log.readsFromMemory(end - 2L * PartitionLog.TAIL_MAX_BATCHES, end)).isTrue();
        assertThat(log.readsFromMemory(end - 2L * PartitionLog.TAIL_MAX_BATCHES - 1, end)).isFalse();
        assertThat(log.readsFromMemory(end, end)).as("nothing to read").isFalse();
        assertThat(baseOffsets(log.read(0, 1 << 20, end))).as("from the store")
                .hasSize(PartitionLog.TAIL_MAX_BATCHES + 8);
    }

    /** Truncation and retention empty memory: a read must never see a batch they removed or replaced. */
    @Test
    void truncationAndRetentionEmptyTheNewestBatchesUntilTheNextAppend() {
        appendCommitted(3, 3, 3);
        log.truncateTo(4);
        assertThat(log.readsFromMemory(0, Long.MAX_VALUE)).as("after a truncation").isFalse();

        log.append(batch(5), 1, 0);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.readsFromMemory(3, Long.MAX_VALUE)).as("the batch appended since").isTrue();
        assertThat(log.readsFromMemory(0, Long.MAX_VALUE)).as("the batch kept by the truncation").isFalse();
        assertThat(decode(log.read(3, 1 << 20, 8).batches().get(0)).getHeader().getRecordCount()).isEqualTo(5);

        log.maybeDeleteBefore(3);
        assertThat(log.readsFromMemory(3, Long.MAX_VALUE)).as("after retention").isFalse();
        assertThat(baseOffsets(log.read(3, 1 << 20, 8))).containsExactly(3L);
    }

    @Test
    void readsDoNotCrossIntoTheNextPartition() {
        PartitionLog neighbour = store.partition(new PartitionKey(KEY.topicId(), 1));
        neighbour.append(batch(4), 0, 1);
        neighbour.updateHighWatermark(4);
        appendCommitted(2);

        assertThat(baseOffsets(log.read(0, 1 << 20, Long.MAX_VALUE))).containsExactly(0L);
        assertThat(baseOffsets(neighbour.read(0, 1 << 20, Long.MAX_VALUE))).containsExactly(0L);
        assertThat(decode(neighbour.read(0, 1 << 20, 4).batches().get(0)).getHeader().getRecordCount()).isEqualTo(4);
    }

    @Test
    void deleteBeforeKeepsTheStraddlingBatchAndUpdatesSizeAndEpochs() {
        log.append(batch(3), 1, 0);
        log.append(batch(3), 2, 0);
        log.append(batch(3), 3, 0);
        log.updateHighWatermark(9);
        long sizeBefore = log.sizeBytes();

        assertThat(log.maybeDeleteBefore(4)).isTrue();
        assertThat(log.maybeDeleteBefore(4)).isFalse();

        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThat(baseOffsets(log.read(4, 1 << 20, 9))).containsExactly(3L, 6L);
        assertThat(log.sizeBytes()).isLessThan(sizeBefore).isEqualTo(log.read(4, 1 << 20, 9).sizeBytes());
        assertThat(log.state().leaderEpochs())
                .containsExactly(new LeaderEpochEntry(2, 4), new LeaderEpochEntry(3, 6));
        assertThatThrownBy(() -> log.maybeDeleteBefore(10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteBeforeTheLogEndEmptiesTheLogAndOffsetsContinue() {
        appendCommitted(2, 2);

        assertThat(log.maybeDeleteBefore(4)).isTrue();

        assertThat(log.sizeBytes()).isZero();
        assertThat(log.read(4, 1 << 20, 4).batches()).isEmpty();
        assertThat(log.append(batch(1), 0, 0).baseOffset()).isEqualTo(4);
    }

    @Test
    void truncateRemovesWholeBatchesFromTheOffsetOn() {
        log.append(batch(3), 1, 0);
        log.append(batch(3), 2, 0);
        log.append(batch(3), 3, 0);
        log.updateHighWatermark(9);

        log.truncateTo(4);

        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);
        assertThat(log.state().leaderEpochs()).containsExactly(new LeaderEpochEntry(1, 0));
        assertThat(baseOffsets(log.read(0, 1 << 20, 100))).containsExactly(0L);
        assertThat(log.append(batch(2), 4, 0)).isEqualTo(new AppendResult(3, 4, 0, 0));
        log.updateHighWatermark(5);
        assertThat(log.sizeBytes()).isEqualTo(log.read(0, 1 << 20, 5).sizeBytes());
    }

    @Test
    void findsTheFirstBatchAtOrAfterATimestamp() {
        log.append(batch(2, 100), 0, 0);
        log.append(batch(2, 300), 0, 0);
        log.append(batch(2, 200), 0, 0);

        assertThat(log.offsetForTimestamp(50)).isZero();
        assertThat(log.offsetForTimestamp(150)).isEqualTo(2);
        assertThat(log.findOffsetForTimestamp(250)).contains(new TimestampAndOffset(300, 2));
        assertThat(log.offsetForTimestamp(301)).isEqualTo(-1);
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestampInsideABatch() {
        log.append(batch(2, 50), 0, 0);
        log.append(view(clientBatch(3, 100, 102)), 0, 0); // records at 100, 101, 102: offsets 2, 3, 4

        assertThat(log.findOffsetForTimestamp(101)).contains(new TimestampAndOffset(101, 3));
        assertThat(log.findOffsetForTimestamp(102)).contains(new TimestampAndOffset(102, 4));
        assertThat(log.findOffsetForTimestamp(51)).contains(new TimestampAndOffset(100, 2));
        assertThat(log.findOffsetForTimestamp(103)).isEmpty();
    }

    @Test
    void highWatermarkOnlyMovesForwardWithinTheLogAndNotifiesListeners() {
        List<Long> seen = new ArrayList<>();
        HighWatermarkListener listener = (partition, highWatermark) -> seen.add(highWatermark);
        log.addHighWatermarkListener(listener);
        log.append(batch(5), 0, 0);

        log.updateHighWatermark(3);
        log.updateHighWatermark(2);
        log.updateHighWatermark(5);
        log.removeHighWatermarkListener(listener);
        log.append(batch(1), 0, 0);
        log.updateHighWatermark(6);

        assertThat(seen).containsExactly(3L, 5L);
        assertThat(log.highWatermark()).isEqualTo(6);
        assertThatThrownBy(() -> log.updateHighWatermark(7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAppendsFromAnOlderLeaderEpoch() {
        log.append(batch(1), 5, 0);

        assertThatThrownBy(() -> log.append(batch(1), 4, 0)).isInstanceOf(StaleLeaderEpochException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void concurrentAppendsGetContiguousOffsetsWhileReadersRead() throws Exception {
        int threads = 4;
        int appendsPerThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < appendsPerThread; i++) {
                        AppendResult appended = log.append(batch(2), 0, 0);
                        log.updateHighWatermark(appended.nextOffset());
                    }
                }));
            }
            Future<?> reader = pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    ReadResult read = log.read(0, 1 << 20, log.highWatermark());
                    long expectedBase = 0;
                    for (ByteString stored : read.batches()) {
                        assertThat(decode(stored).getHeader().getBaseOffset()).isEqualTo(expectedBase);
                        expectedBase += 2;
                    }
                }
            });
            for (Future<?> writer : writers) {
                writer.get();
            }
            reader.get();
        } finally {
            pool.shutdownNow();
        }

        long total = 2L * threads * appendsPerThread;
        assertThat(log.logEndOffset()).isEqualTo(total);
        assertThat(log.highWatermark()).isEqualTo(total);
        List<Long> bases = baseOffsets(log.read(0, Integer.MAX_VALUE, total));
        assertThat(bases).hasSize(threads * appendsPerThread);
        for (int i = 0; i < bases.size(); i++) {
            assertThat(bases.get(i)).isEqualTo(2L * i);
        }
    }
}
