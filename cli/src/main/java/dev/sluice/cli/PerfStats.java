package dev.sluice.cli;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary figures of a perf run, printed in the same {@code key=value} line format as the Kafka peer's
 * {@code perf.sh}, so the two can be compared line by line. Pure.
 */
final class PerfStats {
    private PerfStats() {
    }

    static double recordsPerSecond(long records, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : records * 1e9 / elapsedNanos;
    }

    /** Payload MiB per second, as in the peer's README: records/s x record size / 2^20. */
    static double mebibytesPerSecond(double recordsPerSecond, int recordSizeBytes) {
        return recordsPerSecond * recordSizeBytes / (1024.0 * 1024.0);
    }

    /** Percentile p (0..1) of the first {@code count} samples: {@code sorted[min(n-1, floor(p*n))]}; -1 if none. */
    static long percentile(long[] samples, int count, double p) {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return sorted[(int) Math.min(count - 1, Math.floor(p * count))];
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String formatMb(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
