package dev.sluice.client.internal;

import dev.sluice.client.TopicPartition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The idempotent producer's identity and per-partition sequence numbers (the idempotent part of Kafka's
 * {@code TransactionManager}). A batch gets its base sequence when it is first drained and keeps it through its
 * retries, so the leader can drop a retried duplicate and refuse a batch that overtook an earlier one.
 *
 * <p>Each partition numbers its batches under one <em>numbering</em>, a (producer id, epoch) pair. When a partition's
 * sequence is broken (a sequenced batch failed for good, leaving a hole the leader can never fill, or the leader
 * answered {@code UNKNOWN_PRODUCER_ID}), only that partition starts over, as in Kafka after KIP-360: the producer
 * bumps its epoch (locally, as Kafka's idempotent producer does; the broker accepts a higher epoch starting at
 * sequence 0 and from then on fences the old one), and the partition's unacknowledged batches are renumbered from 0
 * under the new epoch, in their original order, once none of them is in flight. Every other partition keeps its
 * numbering: its sequenced batches are retried unchanged (so a leader that already holds one answers it as a
 * duplicate), and it moves to the new numbering only when nothing of it is in flight. Renumbering a batch of another
 * partition could write it twice, and numbering a new batch while an older one is still in flight could put it
 * ahead of that one. For the same reason a batch of the renumbered partition itself that may already be in the log
 * ({@link ProducerBatch#mayBeInTheLog}: an attempt timed out or broke) is resent under its old numbering until the
 * leader either acknowledges it (as a duplicate or a new append) or proves by its sequence check that it is not
 * there; only then is it renumbered. The batches after it hold higher sequences of the same numbering, so the leader
 * cannot hold them without it.
 *
 * <p>Invariants: a partition restarts at sequence 0 only under a numbering it has never used, only with nothing of
 * it in flight, and never with a batch that may be in the log ({@link #maySend} is the accumulator's gate,
 * {@link #assignSequence} the only place sequences are given).
 *
 * <p>Owned by the sender thread (drain, responses); {@link #hasProducerId()} may be read by any.
 */
public final class ProducerIdempotence {

    /** The producer id and epoch a batch's sequence belongs to. */
    public record Numbering(long producerId, int epoch) { }

    /** A partition's numbering and the next sequence in it. */
    private record PartitionSequence(Numbering numbering, int nextSequence) { }

    /** The highest last sequence the leader acknowledged in a numbering. */
    private record Acknowledged(Numbering numbering, int lastSequence) { }

    /** Sequences wrap from {@link Integer#MAX_VALUE} to 0. */
    private static final long SEQUENCE_SPACE = (long) Integer.MAX_VALUE + 1;

    private final Map<TopicPartition, PartitionSequence> partitions = new HashMap<>();
    /** Partitions whose unacknowledged batches must be renumbered under a newer epoch. */
    private final Set<TopicPartition> toRenumber = new HashSet<>();
    private final Map<TopicPartition, Acknowledged> acknowledged = new HashMap<>();
    private volatile long producerId = -1;
    private int producerEpoch;

    public boolean hasProducerId() {
        return producerId > 0;
    }

    public long producerId() {
        return producerId;
    }

    public int producerEpoch() {
        return producerEpoch;
    }

    /**
     * Takes an identity from {@code InitProducerId}. Partitions keep their numbering and move to the new one as
     * they become idle, like after an epoch bump.
     */
    public void setProducerId(long newProducerId, int newEpoch) {
        producerId = newProducerId;
        producerEpoch = newEpoch;
    }

    /**
     * Called when {@code batch} failed for good or its leader answered {@code UNKNOWN_PRODUCER_ID}: when the batch
     * belongs to its partition's live numbering, that partition is marked to be renumbered and, if it numbers under
     * the current epoch, the epoch is bumped (after the last epoch the producer drops its id and gets a new one).
     *
     * @return whether the partition was marked (false: the batch is already due to be renumbered, or had no sequence)
     */
    public boolean requestRenumbering(ProducerBatch batch) {
        TopicPartition partition = batch.partition();
        PartitionSequence sequence = partitions.get(partition);
        if (!batch.hasSequence() || sequence == null || !sequence.numbering().equals(numberingOf(batch))) {
            return false;
        }
        toRenumber.add(partition);
        if (sequence.numbering().equals(current())) {
            if (producerEpoch == Integer.MAX_VALUE) {
                producerId = -1;
            } else {
                producerEpoch++;
            }
        }
        return true;
    }

    /**
     * Whether the partition may send {@code head}, its first queued batch, with {@code inFlight} of its batches
     * unanswered. A partition behind the current numbering sends the retries of its own numbering as they are, and
     * switches (new batches, or renumbering after {@link #requestRenumbering}) only once nothing is in flight.
     */
    public boolean maySend(TopicPartition partition, ProducerBatch head, int inFlight) {
        PartitionSequence sequence = partitions.get(partition);
        if (sequence != null && sequence.numbering().equals(current())) {
            return true;
        }
        if (keepsItsSequence(partition, head, sequence)) {
            return true;
        }
        return inFlight == 0;
    }

    /**
     * Whether {@code batch} is resent with the sequence it has: it was numbered in its partition's live numbering, and
     * that partition is not being renumbered or the batch may already be in the log.
     */
    private boolean keepsItsSequence(TopicPartition partition, ProducerBatch batch, PartitionSequence sequence) {
        return batch.hasSequence() && sequence != null && sequence.numbering().equals(numberingOf(batch))
                && (!toRenumber.contains(partition) || batch.mayBeInTheLog());
    }

    /**
     * Gives {@code batch} its partition's next sequence unless it already has one in the partition's numbering (a
     * retry keeps its sequence). A partition behind the current numbering restarts at 0 under it; the caller has
     * checked {@link #maySend}, so nothing of the partition is in flight then.
     */
    public void assignSequence(ProducerBatch batch) {
        TopicPartition partition = batch.partition();
        PartitionSequence sequence = partitions.get(partition);
        if (keepsItsSequence(partition, batch, sequence)) {
            return;
        }
        boolean renumber = toRenumber.contains(partition);
        Numbering current = current();
        if (renumber && sequence.numbering().equals(current)) {
            throw new IllegalStateException(partition + " would be renumbered under the numbering it already used");
        }
        if (sequence == null || !sequence.numbering().equals(current)) {
            // requestRenumbering moved the epoch past the marked partition's numbering, so 0 is unused here.
            sequence = new PartitionSequence(current, 0);
            toRenumber.remove(partition);
        }
        batch.setProducerState(current.producerId(), current.epoch(), sequence.nextSequence());
        partitions.put(partition, new PartitionSequence(current,
                incrementSequence(sequence.nextSequence(), batch.recordCount())));
    }

    /** The leader acknowledged {@code batch}. */
    public void acknowledged(ProducerBatch batch) {
        if (!batch.hasSequence()) {
            return;
        }
        Acknowledged latest = new Acknowledged(numberingOf(batch), lastSequence(batch));
        acknowledged.merge(batch.partition(), latest, (known, now) -> known.numbering().equals(now.numbering())
                && !isAfter(now.lastSequence(), known.lastSequence()) ? known : now);
    }

    /**
     * Whether the leader acknowledged a batch numbered after {@code batch} in the same numbering. The leader appends a
     * numbering's sequences without gaps, so {@code batch} is then in the log, whatever the leader answers for it now:
     * it remembers only each producer's last 5 batches, and refuses an older one by sequence.
     */
    public boolean laterBatchAcknowledged(ProducerBatch batch) {
        Acknowledged known = acknowledged.get(batch.partition());
        return batch.hasSequence() && known != null && known.numbering().equals(numberingOf(batch))
                && isAfter(known.lastSequence(), lastSequence(batch));
    }

    private static int lastSequence(ProducerBatch batch) {
        return incrementSequence(batch.baseSequence(), batch.recordCount() - 1);
    }

    private static int incrementSequence(int sequence, int delta) {
        return (int) (((long) sequence + delta) % SEQUENCE_SPACE);
    }

    /** Whether sequence {@code a} comes after {@code b}, within half the sequence space (they wrap). */
    private static boolean isAfter(int a, int b) {
        long distance = Math.floorMod((long) a - b, SEQUENCE_SPACE);
        return distance > 0 && distance < SEQUENCE_SPACE / 2;
    }

    private Numbering current() {
        return new Numbering(producerId, producerEpoch);
    }

    private static Numbering numberingOf(ProducerBatch batch) {
        return new Numbering(batch.producerId(), batch.producerEpoch());
    }
}
