package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final long NOW_MS = 1_000_000;

    /** Contiguous batches of 10 records and 100 bytes each, with the given max timestamps. */
    private static List<BatchSummary> batches(long... maxTimestampsMs) {
        List<BatchSummary> batches = new ArrayList<>();
        for (int i = 0; i < maxTimestampsMs.length; i++) {
            batches.add(new BatchSummary(i * 10L, i * 10L + 10, maxTimestampsMs[i], 100));
        }
        return batches;
    }

    private static long newStart(List<BatchSummary> batches, long retentionMs, long retentionBytes) {
        return newStart(batches, retentionMs, retentionBytes, Long.MAX_VALUE);
    }

    private static long newStart(List<BatchSummary> batches, long retentionMs, long retentionBytes,
                                 long highWatermark) {
        long total = batches.stream().mapToLong(BatchSummary::sizeBytes).sum();
        long start = batches.isEmpty() ? 0 : batches.get(0).baseOffset();
        return RetentionPolicy.newLogStartOffset(batches.iterator(), start, total, highWatermark,
                new LogConfig(retentionMs, retentionBytes, 1000), NOW_MS);
    }

    @Test
    void emptyLogStaysPut() {
        assertThat(newStart(List.of(), 0, 0)).isZero();
    }

    @Test
    void unlimitedRetentionDeletesNothing() {
        assertThat(newStart(batches(0, 0, 0), -1, -1)).isZero();
    }

    @Test
    void deletesBatchesOlderThanRetentionMs() {
        assertThat(newStart(batches(NOW_MS - 500, NOW_MS - 400, NOW_MS - 100), 300, -1)).isEqualTo(20);
    }

    @Test
    void batchExactlyAtTheRetentionBoundaryIsKept() {
        assertThat(newStart(batches(NOW_MS - 300, NOW_MS - 301), 300, -1)).isZero();
    }

    @Test
    void timeRetentionStopsAtTheFirstBatchKept() {
        // The third batch is old too, but deletion is a prefix.
        assertThat(newStart(batches(NOW_MS - 500, NOW_MS, NOW_MS - 500), 300, -1)).isEqualTo(10);
    }

    @Test
    void timeRetentionMayEmptyTheLog() {
        assertThat(newStart(batches(1, 2, 3), 300, -1)).isEqualTo(30);
    }

    @Test
    void zeroRetentionMsDeletesEverythingOlderThanNow() {
        assertThat(newStart(batches(NOW_MS - 1, NOW_MS), 0, -1)).isEqualTo(10);
    }

    @Test
    void deletesOldestBatchesWhileOverRetentionBytes() {
        assertThat(newStart(batches(NOW_MS, NOW_MS, NOW_MS, NOW_MS), -1, 250)).isEqualTo(20);
    }

    @Test
    void sizeExactlyAtRetentionBytesDeletesNothing() {
        assertThat(newStart(batches(NOW_MS, NOW_MS, NOW_MS), -1, 300)).isZero();
    }

    @Test
    void oneByteOverDeletesAWholeBatch() {
        assertThat(newStart(batches(NOW_MS, NOW_MS, NOW_MS), -1, 299)).isEqualTo(10);
    }

    @Test
    void zeroRetentionBytesDeletesEverything() {
        assertThat(newStart(batches(NOW_MS, NOW_MS), -1, 0)).isEqualTo(20);
    }

    @Test
    void timeAndSizeTogetherTakeTheFurthest() {
        List<BatchSummary> log = batches(NOW_MS - 500, NOW_MS, NOW_MS, NOW_MS);
        assertThat(newStart(log, 300, 350)).isEqualTo(10);
        assertThat(newStart(log, 300, 150)).isEqualTo(30);
    }

    @Test
    void neverDeletesABatchReachingTheHighWatermark() {
        List<BatchSummary> log = batches(1, 2, 3);
        assertThat(newStart(log, 0, -1, 25)).isEqualTo(20);
        assertThat(newStart(log, 0, -1, 30)).isEqualTo(30);
        assertThat(newStart(log, -1, 0, 9)).isZero();
    }

    @Test
    void neverMovesTheStartBackwards() {
        // The log start is inside the first batch, which is not deletable.
        List<BatchSummary> log = batches(NOW_MS, NOW_MS);
        long result = RetentionPolicy.newLogStartOffset(log.iterator(), 5, 200, 20,
                new LogConfig(300, -1, 1000), NOW_MS);
        assertThat(result).isEqualTo(5);
    }

    @Test
    void sizeCountsTheTotalNotJustTheIteratedBatches() {
        // 1000 bytes stored, only the first two batches iterated: 700 must go, both of these and more.
        List<BatchSummary> log = batches(NOW_MS, NOW_MS);
        long result = RetentionPolicy.newLogStartOffset(log.iterator(), 0, 1000, 100,
                new LogConfig(-1, 300, 1000), NOW_MS);
        assertThat(result).isEqualTo(20);
    }

    @Test
    void stopsReadingAtTheFirstBatchKept() {
        List<BatchSummary> log = batches(1, NOW_MS, 1, 1);
        var iterator = log.iterator();
        RetentionPolicy.newLogStartOffset(iterator, 0, 400, 40, new LogConfig(300, -1, 1000), NOW_MS);
        assertThat(iterator.next().baseOffset()).isEqualTo(20);
    }

    @Test
    void hugeRetentionMsDoesNotOverflow() {
        // now - retention.ms would wrap around to the far future and expire everything.
        long result = RetentionPolicy.newLogStartOffset(batches(0, 0).iterator(), 0, 200, 20,
                new LogConfig(Long.MAX_VALUE, -1, 1000), -5);
        assertThat(result).isZero();
    }
}
