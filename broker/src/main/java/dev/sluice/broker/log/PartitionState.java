package dev.sluice.broker.log;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.internal.v1.StoredEpochEntry;
import dev.sluice.proto.internal.v1.StoredPartitionState;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable snapshot of one partition's bookkeeping, as kept in memory and in the "partition-state" column
 * family.
 *
 * <p>Invariants (checked on construction, so both before writing and after reading):
 * {@code 0 <= logStartOffset <= highWatermark <= logEndOffset}, {@code sizeBytes >= 0}, and the leader-epoch
 * cache is strictly ascending by epoch and non-decreasing by start offset, with every start offset at most
 * the log end. Offsets are record offsets; sizes are bytes.
 *
 * @param logStartOffset first offset still readable
 * @param logEndOffset offset the next appended record gets
 * @param highWatermark offsets below it are visible to consumers
 * @param sizeBytes sum of the stored batches' sizes
 * @param leaderEpochs the leader-epoch cache: for each epoch, the first offset its leader wrote
 * @param producers the idempotent producers' last batches, for duplicate and sequence checks; persisted apart, one
 *     key per producer in the {@code producer-state} family ({@link #encode} leaves them out)
 */
public record PartitionState(long logStartOffset, long logEndOffset, long highWatermark, long sizeBytes,
                             List<LeaderEpochEntry> leaderEpochs, ProducerStates producers) {

    /** The first offset written in a leader epoch. */
    public record LeaderEpochEntry(int epoch, long startOffset) { }

    static final PartitionState EMPTY = new PartitionState(0, 0, 0, 0, List.of());

    /** A state without idempotent producers. */
    public PartitionState(long logStartOffset, long logEndOffset, long highWatermark, long sizeBytes,
                          List<LeaderEpochEntry> leaderEpochs) {
        this(logStartOffset, logEndOffset, highWatermark, sizeBytes, leaderEpochs, ProducerStates.EMPTY);
    }
    private static final int FORMAT_VERSION = 1;

    public PartitionState {
        leaderEpochs = List.copyOf(leaderEpochs);
        java.util.Objects.requireNonNull(producers, "producers");
        if (logStartOffset < 0 || logStartOffset > highWatermark || highWatermark > logEndOffset || sizeBytes < 0) {
            throw new IllegalStateException("inconsistent partition state: start=" + logStartOffset
                    + " hw=" + highWatermark + " end=" + logEndOffset + " size=" + sizeBytes);
        }
        for (int i = 0; i < leaderEpochs.size(); i++) {
            LeaderEpochEntry entry = leaderEpochs.get(i);
            LeaderEpochEntry previous = i == 0 ? null : leaderEpochs.get(i - 1);
            boolean ordered = previous == null
                    || (entry.epoch() > previous.epoch() && entry.startOffset() >= previous.startOffset());
            if (!ordered || entry.startOffset() > logEndOffset) {
                throw new IllegalStateException("inconsistent leader-epoch cache: " + leaderEpochs);
            }
        }
    }

    /** The latest leader epoch that wrote to this log, or -1 when none did. */
    public int latestEpoch() {
        return leaderEpochs.isEmpty() ? -1 : leaderEpochs.get(leaderEpochs.size() - 1).epoch();
    }

    PartitionState withAppend(long nextOffset, int batchBytes, int leaderEpoch, long baseOffset) {
        List<LeaderEpochEntry> epochs = leaderEpochs;
        if (leaderEpoch > latestEpoch()) {
            epochs = new ArrayList<>(leaderEpochs);
            epochs.add(new LeaderEpochEntry(leaderEpoch, baseOffset));
        }
        return new PartitionState(logStartOffset, nextOffset, highWatermark, sizeBytes + batchBytes, epochs,
                producers);
    }

    PartitionState withProducers(ProducerStates newProducers) {
        return new PartitionState(logStartOffset, logEndOffset, highWatermark, sizeBytes, leaderEpochs,
                newProducers);
    }

    /** After the log cleaner rewrote batches: same offsets, {@code removedBytes} fewer stored bytes. */
    PartitionState withCompacted(long removedBytes) {
        return new PartitionState(logStartOffset, logEndOffset, highWatermark, sizeBytes - removedBytes,
                leaderEpochs, producers);
    }

    PartitionState withHighWatermark(long newHighWatermark) {
        return new PartitionState(logStartOffset, logEndOffset, newHighWatermark, sizeBytes, leaderEpochs,
                producers);
    }

    /**
     * After deleting everything below {@code newStart}: the epoch entries covering deleted offsets collapse
     * into one entry starting at {@code newStart} (the epoch that wrote it), as Kafka's cache does.
     */
    PartitionState withLogStart(long newStart, long removedBytes) {
        List<LeaderEpochEntry> epochs = new ArrayList<>();
        for (int i = 0; i < leaderEpochs.size(); i++) {
            LeaderEpochEntry entry = leaderEpochs.get(i);
            boolean lastBelow = entry.startOffset() < newStart
                    && (i + 1 == leaderEpochs.size() || leaderEpochs.get(i + 1).startOffset() > newStart);
            if (entry.startOffset() >= newStart) {
                epochs.add(entry);
            } else if (lastBelow) {
                epochs.add(new LeaderEpochEntry(entry.epoch(), newStart));
            }
        }
        return new PartitionState(newStart, logEndOffset, Math.max(highWatermark, newStart),
                sizeBytes - removedBytes, epochs, producers);
    }

    /** After removing every batch at or above {@code newEnd}. */
    PartitionState withLogEnd(long newEnd, long removedBytes) {
        List<LeaderEpochEntry> epochs = leaderEpochs.stream().filter(e -> e.startOffset() < newEnd).toList();
        return new PartitionState(logStartOffset, newEnd, Math.min(highWatermark, newEnd),
                sizeBytes - removedBytes, epochs, producers.truncatedTo(newEnd));
    }

    byte[] encode() {
        StoredPartitionState.Builder builder = StoredPartitionState.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setLogStartOffset(logStartOffset)
                .setLogEndOffset(logEndOffset)
                .setHighWatermark(highWatermark)
                .setSizeBytes(sizeBytes);
        for (LeaderEpochEntry entry : leaderEpochs) {
            builder.addLeaderEpochs(StoredEpochEntry.newBuilder()
                    .setEpoch(entry.epoch()).setStartOffset(entry.startOffset()));
        }
        // The producers are stored under keys of their own (PartitionLog), so that an append writes only the one
        // that changed; field 7 is read only from stores written before that.
        return builder.build().toByteArray();
    }

    static PartitionState decode(byte[] bytes) {
        StoredPartitionState stored;
        try {
            stored = StoredPartitionState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt partition state", e);
        }
        if (stored.getFormatVersion() != FORMAT_VERSION) {
            throw new IllegalStateException("unknown partition state format " + stored.getFormatVersion());
        }
        List<LeaderEpochEntry> epochs = stored.getLeaderEpochsList().stream()
                .map(e -> new LeaderEpochEntry(e.getEpoch(), e.getStartOffset()))
                .toList();
        return new PartitionState(stored.getLogStartOffset(), stored.getLogEndOffset(),
                stored.getHighWatermark(), stored.getSizeBytes(), epochs,
                ProducerStates.decode(stored.getProducersList()));
    }
}
