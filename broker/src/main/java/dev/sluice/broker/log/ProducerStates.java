package dev.sluice.broker.log;

import dev.sluice.proto.internal.v1.StoredProducerBatch;
import dev.sluice.proto.internal.v1.StoredProducerState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The idempotent producers of one partition: for each producer id, its epoch and its last
 * {@value #MAX_BATCHES} appended batches (sequence range, base offset, append time). Immutable and pure; part of
 * {@link PartitionState}, so it is persisted in the same {@code WriteBatch} as the data it describes and comes
 * back with the partition after a restart.
 *
 * <p>The rules, as Kafka's leader applies them to a batch with producer id {@code pid}, epoch {@code e} and
 * sequences {@code [base, last]}:
 * <ul>
 *   <li>unknown {@code pid}: {@code base} must be 0, else {@link Verdict.UnknownProducer};</li>
 *   <li>{@code e} below the known epoch: {@link Verdict.Fenced};</li>
 *   <li>{@code e} above the known epoch: {@code base} must be 0 (a new epoch restarts the sequences);</li>
 *   <li>same epoch: a batch with the same {@code [base, last]} among the cached ones is a {@link Verdict.Duplicate}
 *       (answered with its original offset); {@code base} one past the last cached batch's {@code last} is
 *       appended; anything else is {@link Verdict.OutOfOrder}.</li>
 * </ul>
 * Sequences are non-negative ints that wrap from {@link Integer#MAX_VALUE} to 0, as in Kafka.
 */
public final class ProducerStates {

    /** Batches remembered per producer: Kafka's limit, matching the client's 5 batches in flight. */
    public static final int MAX_BATCHES = 5;
    static final ProducerStates EMPTY = new ProducerStates(Map.of());

    /** One remembered batch. */
    public record BatchEntry(int baseSequence, int lastSequence, long baseOffset, long appendTimeMs) { }

    /** One producer: its epoch and its last batches, oldest first. */
    public record Entry(int epoch, List<BatchEntry> batches) {
        public Entry {
            batches = List.copyOf(batches);
            if (batches.isEmpty() || batches.size() > MAX_BATCHES) {
                throw new IllegalStateException("producer entry with " + batches.size() + " batches");
            }
        }

        BatchEntry last() {
            return batches.get(batches.size() - 1);
        }
    }

    /** What to do with a batch. */
    public sealed interface Verdict {
        /** Append it. */
        record Append() implements Verdict { }

        /** Already in the log: answer success with where it went. */
        record Duplicate(BatchEntry original) implements Verdict { }

        /** A sequence gap or an unknown older batch; retriable for the producer. */
        record OutOfOrder(String message) implements Verdict { }

        /** The producer's epoch is stale. */
        record Fenced(String message) implements Verdict { }

        /** No state for this producer id and a sequence other than 0: the producer must start over. */
        record UnknownProducer(String message) implements Verdict { }
    }

    private static final Verdict APPEND = new Verdict.Append();

    private final Map<Long, Entry> producers;

    private ProducerStates(Map<Long, Entry> producers) {
        this.producers = producers;
    }

    /** The producers, by id (sorted). */
    public Map<Long, Entry> producers() {
        return producers;
    }

    public Entry entry(long producerId) {
        return producers.get(producerId);
    }

    /** The last sequence of a batch of {@code recordCount} records starting at {@code baseSequence}. */
    public static int lastSequence(int baseSequence, int recordCount) {
        return incrementSequence(baseSequence, recordCount - 1);
    }

    /** {@code sequence + delta}, wrapping past {@link Integer#MAX_VALUE} to 0. */
    public static int incrementSequence(int sequence, int delta) {
        long next = (long) sequence + delta;
        return (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next);
    }

    /** Judges a batch from producer {@code producerId} (>= 1). */
    public Verdict check(long producerId, int epoch, int baseSequence, int recordCount) {
        if (baseSequence < 0) {
            return new Verdict.OutOfOrder("negative base sequence " + baseSequence);
        }
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return baseSequence == 0 ? APPEND : new Verdict.UnknownProducer("producer " + producerId
                    + " has no state here, so its first sequence must be 0, not " + baseSequence);
        }
        if (epoch > entry.epoch()) {
            return baseSequence == 0 ? APPEND : new Verdict.OutOfOrder("producer " + producerId + " epoch " + epoch
                    + " has no batch here yet, so its first sequence must be 0, not " + baseSequence);
        }
        if (epoch < entry.epoch()) {
            return new Verdict.Fenced("producer " + producerId + " epoch " + epoch + " is older than epoch "
                    + entry.epoch());
        }
        int lastSequence = lastSequence(baseSequence, recordCount);
        for (BatchEntry batch : entry.batches()) {
            if (batch.baseSequence() == baseSequence && batch.lastSequence() == lastSequence) {
                return new Verdict.Duplicate(batch);
            }
        }
        int expected = incrementSequence(entry.last().lastSequence(), 1);
        return baseSequence == expected ? APPEND : new Verdict.OutOfOrder("producer " + producerId
                + " sent base sequence " + baseSequence + " but the next expected one is " + expected);
    }

    /** After appending the batch at {@code baseOffset}: remembers it, keeping the last {@value #MAX_BATCHES}. */
    ProducerStates withBatch(long producerId, int epoch, int baseSequence, int recordCount, long baseOffset,
                             long appendTimeMs) {
        Entry entry = producers.get(producerId);
        List<BatchEntry> batches = new ArrayList<>();
        if (entry != null && entry.epoch() == epoch) {
            batches.addAll(entry.batches());
        }
        batches.add(new BatchEntry(baseSequence, lastSequence(baseSequence, recordCount), baseOffset, appendTimeMs));
        while (batches.size() > MAX_BATCHES) {
            batches.remove(0);
        }
        Map<Long, Entry> next = new TreeMap<>(producers);
        next.put(producerId, new Entry(epoch, batches));
        return new ProducerStates(Collections.unmodifiableMap(next));
    }

    /** An idempotent batch as stored in the log, for rebuilding the state from it. */
    public record StoredBatch(long producerId, int epoch, int baseSequence, int lastSequence, long baseOffset,
                              long appendTimeMs) { }

    /**
     * The state after a truncation to {@code newEnd}, rebuilt from the log for every producer that had a remembered
     * batch at or above it. Only the last {@value #MAX_BATCHES} batches are remembered, so cutting them off would
     * forget a producer whose older batches are still in the log: as leader this replica would then answer its
     * retry {@code UNKNOWN_PRODUCER_ID} (or take its sequence 0 again). Like Kafka, which rebuilds producer state
     * from the log on truncation, such a producer gets back its last batches below {@code newEnd} of its latest
     * epoch there.
     *
     * @param belowNewEnd the log's batches below {@code newEnd}, newest first; read only as far as needed (the caller
     *     may bound it, and a producer not found within it is forgotten, as before)
     */
    ProducerStates rebuiltAfterTruncation(long newEnd, java.util.Iterator<StoredBatch> belowNewEnd) {
        ProducerStates kept = truncatedTo(newEnd);
        // Newest first, per producer cut back by the truncation; complete at MAX_BATCHES or at an older epoch.
        Map<Long, List<BatchEntry>> found = new TreeMap<>();
        Map<Long, Integer> epochs = new TreeMap<>();
        java.util.Set<Long> complete = new java.util.HashSet<>();
        producers.forEach((id, entry) -> {
            if (entry.last().baseOffset() >= newEnd) {
                found.put(id, new ArrayList<>());
            }
        });
        if (found.isEmpty()) {
            return kept;
        }
        while (complete.size() < found.size() && belowNewEnd.hasNext()) {
            StoredBatch batch = belowNewEnd.next();
            List<BatchEntry> batches = found.get(batch.producerId());
            if (batches == null || complete.contains(batch.producerId())) {
                continue;
            }
            int epoch = epochs.computeIfAbsent(batch.producerId(), id -> batch.epoch());
            if (batch.epoch() != epoch) {
                // An older epoch: its sequences say nothing about the latest one's.
                complete.add(batch.producerId());
                continue;
            }
            batches.add(new BatchEntry(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                    batch.appendTimeMs()));
            if (batches.size() == MAX_BATCHES) {
                complete.add(batch.producerId());
            }
        }
        Map<Long, Entry> next = new TreeMap<>(kept.producers);
        found.forEach((id, newestFirst) -> {
            if (newestFirst.isEmpty()) {
                next.remove(id);
            } else {
                List<BatchEntry> oldestFirst = new ArrayList<>(newestFirst);
                Collections.reverse(oldestFirst);
                next.put(id, new Entry(epochs.get(id), oldestFirst));
            }
        });
        return new ProducerStates(Collections.unmodifiableMap(next));
    }

    /** Forgets batches at or above {@code newEnd} (truncation), and producers left with none. */
    ProducerStates truncatedTo(long newEnd) {
        Map<Long, Entry> next = new TreeMap<>();
        producers.forEach((id, entry) -> {
            List<BatchEntry> kept = entry.batches().stream().filter(b -> b.baseOffset() < newEnd).toList();
            if (!kept.isEmpty()) {
                next.put(id, new Entry(entry.epoch(), kept));
            }
        });
        return next.size() == producers.size() && next.equals(producers) ? this
                : new ProducerStates(Collections.unmodifiableMap(next));
    }

    /**
     * The producers whose last batch was appended more than {@code expirationMs} before {@code nowMs}, as Kafka's
     * {@code producer.id.expiration.ms} forgets them; empty when none.
     */
    List<Long> expiredIds(long nowMs, long expirationMs) {
        List<Long> expired = new ArrayList<>();
        producers.forEach((id, entry) -> {
            if (nowMs - entry.last().appendTimeMs() > expirationMs) {
                expired.add(id);
            }
        });
        return expired;
    }

    /** Without the producers {@code ids}. */
    ProducerStates without(List<Long> ids) {
        if (ids.isEmpty()) {
            return this;
        }
        Map<Long, Entry> next = new TreeMap<>(producers);
        ids.forEach(next::remove);
        return new ProducerStates(Collections.unmodifiableMap(next));
    }

    /** Every producer, as stored (by producer id). */
    List<StoredProducerState> encode() {
        List<StoredProducerState> stored = new ArrayList<>(producers.size());
        producers.forEach((id, entry) -> stored.add(encode(id, entry)));
        return stored;
    }

    /** One producer as stored under its own key ({@link PartitionLog}). */
    static StoredProducerState encode(long producerId, Entry entry) {
        StoredProducerState.Builder builder = StoredProducerState.newBuilder()
                .setProducerId(producerId).setProducerEpoch(entry.epoch());
        for (BatchEntry batch : entry.batches()) {
            builder.addBatches(StoredProducerBatch.newBuilder().setBaseSequence(batch.baseSequence())
                    .setLastSequence(batch.lastSequence()).setBaseOffset(batch.baseOffset())
                    .setAppendTimeMs(batch.appendTimeMs()));
        }
        return builder.build();
    }

    /** Whether no producer is known. */
    boolean isEmpty() {
        return producers.isEmpty();
    }

    /** These producers with {@code stored} added (an entry of the same id is replaced). */
    ProducerStates withStored(List<StoredProducerState> stored) {
        Map<Long, Entry> next = new TreeMap<>(producers);
        next.putAll(decode(stored).producers);
        return new ProducerStates(Collections.unmodifiableMap(next));
    }

    /**
     * One producer's entry as stored under {@code key} ({@link PartitionKey#producerKey}); checks that the key and the
     * value name the same producer.
     */
    static StoredProducerState decodeEntry(byte[] key, byte[] value) {
        StoredProducerState stored;
        try {
            stored = StoredProducerState.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt producer state", e);
        }
        if (key.length != PartitionKey.BATCH_KEY_BYTES || PartitionKey.baseOffsetOf(key) != stored.getProducerId()) {
            throw new IllegalStateException("producer state of " + stored.getProducerId() + " under a key of "
                    + key.length + " bytes that names another producer");
        }
        return stored;
    }

    static ProducerStates decode(List<StoredProducerState> stored) {
        if (stored.isEmpty()) {
            return EMPTY;
        }
        Map<Long, Entry> producers = new TreeMap<>();
        for (StoredProducerState state : stored) {
            List<BatchEntry> batches = state.getBatchesList().stream().map(b -> new BatchEntry(b.getBaseSequence(),
                    b.getLastSequence(), b.getBaseOffset(), b.getAppendTimeMs())).toList();
            producers.put(state.getProducerId(), new Entry(state.getProducerEpoch(), batches));
        }
        return new ProducerStates(Collections.unmodifiableMap(producers));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProducerStates that && producers.equals(that.producers);
    }

    @Override
    public int hashCode() {
        return producers.hashCode();
    }

    @Override
    public String toString() {
        return "ProducerStates" + producers;
    }
}
