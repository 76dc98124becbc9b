package dev.sluice.broker.replication;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Where the time goes between a leader's append and its commit (the high watermark passing it), for one led
 * partition: when each follower was first sent the appended data, when each follower's fetch offset showed that it
 * had stored it, and when the high watermark passed it. Each stage's duration goes to a {@link Sink} (histograms);
 * the slowest commit since the last {@link #takeSlowest} is kept with all its stages, so a broker can log the
 * anatomy of one slow commit rather than only a percentile.
 *
 * <p>Appends are remembered up to a bound ({@code capacity}); with more uncommitted appends than that (a follower far
 * behind) the oldest are forgotten and give no samples. Offsets are end offsets (one past the last record).
 *
 * <p>Pure apart from the injected clock; thread-safe (one monitor; every call is a few comparisons per uncommitted
 * append).
 */
public final class CommitStages {

    /** A replication stage, timed from the leader's append. */
    public enum Stage {
        /** The data was first put in a fetch answer to a follower. */
        FOLLOWER_READ,
        /** A follower's next fetch offset showed it had stored the data. */
        FOLLOWER_STORED,
        /** The high watermark passed the data (acks=all producers are answered, consumers may read it). */
        COMMITTED
    }

    /** Receives one stage duration; must be quick and thread-safe. */
    @FunctionalInterface
    public interface Sink {
        Sink NONE = (stage, nanos) -> { };

        void record(Stage stage, long nanos);
    }

    /**
     * One committed append with its stages, in nanoseconds after the append (-1: not seen for that follower, e.g.
     * it was out of the ISR).
     */
    record SlowCommit(long endOffset, long committedNanos, Map<Integer, Long> readNanos,
                      Map<Integer, Long> storedNanos) {

        String describe() {
            StringBuilder text = new StringBuilder("committed ").append(millis(committedNanos)).append(" ms after the"
                    + " append (end offset ").append(endOffset).append(")");
            storedNanos.forEach((replica, stored) -> text.append("; replica ").append(replica).append(": sent after ")
                    .append(millis(readNanos.getOrDefault(replica, -1L))).append(" ms, stored after ")
                    .append(millis(stored)).append(" ms"));
            return text.toString();
        }

        private static String millis(long nanos) {
            return nanos < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
        }
    }

    private static final class Append {
        final long endOffset;
        final long appendedAt;
        final Map<Integer, Long> readAt = new TreeMap<>();
        final Map<Integer, Long> storedAt = new TreeMap<>();

        Append(long endOffset, long appendedAt) {
            this.endOffset = endOffset;
            this.appendedAt = appendedAt;
        }
    }

    /** A stage time that was not observed. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final int capacity;
    private final LongSupplier nanoTime;
    private final Sink sink;
    private final Deque<Append> uncommitted = new ArrayDeque<>();
    private SlowCommit slowest;

    CommitStages(int capacity, LongSupplier nanoTime, Sink sink) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.sink = sink;
    }

    /** The leader appended up to {@code endOffset}. */
    synchronized void appended(long endOffset) {
        Append last = uncommitted.peekLast();
        if (last != null && last.endOffset >= endOffset) {
            return;
        }
        if (uncommitted.size() == capacity) {
            uncommitted.pollFirst();
        }
        uncommitted.addLast(new Append(endOffset, nanoTime.getAsLong()));
    }

    /** Data up to {@code endOffset} is on its way to {@code replicaId} (a fetch answer). */
    synchronized void sent(int replicaId, long endOffset) {
        mark(replicaId, endOffset, Stage.FOLLOWER_READ);
    }

    /** {@code replicaId} fetched from {@code fetchOffset}: it has stored everything below. */
    synchronized void stored(int replicaId, long fetchOffset) {
        mark(replicaId, fetchOffset, Stage.FOLLOWER_STORED);
    }

    /** The high watermark reached {@code highWatermark}: appends up to it are committed and forgotten. */
    synchronized void committed(long highWatermark) {
        long now = nanoTime.getAsLong();
        while (!uncommitted.isEmpty() && uncommitted.peekFirst().endOffset <= highWatermark) {
            Append append = uncommitted.pollFirst();
            long elapsed = now - append.appendedAt;
            sink.record(Stage.COMMITTED, elapsed);
            if (slowest == null || elapsed > slowest.committedNanos()) {
                slowest = new SlowCommit(append.endOffset, elapsed, relative(append.readAt, append.appendedAt),
                        relative(append.storedAt, append.appendedAt));
            }
        }
    }

    /** The slowest commit since the last call, if any; starts a new interval. */
    synchronized Optional<SlowCommit> takeSlowest() {
        Optional<SlowCommit> taken = Optional.ofNullable(slowest);
        slowest = null;
        return taken;
    }

    /** How many appends are remembered, for tests. */
    synchronized int uncommittedCount() {
        return uncommitted.size();
    }

    private void mark(int replicaId, long endOffset, Stage stage) {
        long now = nanoTime.getAsLong();
        for (Append append : uncommitted) {
            if (append.endOffset > endOffset) {
                return;
            }
            Map<Integer, Long> seen = stage == Stage.FOLLOWER_READ ? append.readAt : append.storedAt;
            if (seen.putIfAbsent(replicaId, now) == null) {
                sink.record(stage, now - append.appendedAt);
            }
            if (stage == Stage.FOLLOWER_STORED) {
                // Sent in an answer whose end was not known (cut short by the byte limit): when is unknown, and a
                // later answer must not count it as sent then.
                append.readAt.putIfAbsent(replicaId, UNKNOWN);
            }
        }
    }

    private static Map<Integer, Long> relative(Map<Integer, Long> at, long appendedAt) {
        Map<Integer, Long> relative = new TreeMap<>();
        at.forEach((replica, time) -> relative.put(replica, time == UNKNOWN ? -1 : time - appendedAt));
        return java.util.Collections.unmodifiableMap(relative);
    }
}
