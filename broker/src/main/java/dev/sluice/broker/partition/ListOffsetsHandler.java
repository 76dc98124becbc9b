package dev.sluice.broker.partition;

import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.TimestampAndOffset;
import dev.sluice.broker.replication.EpochDivergence;
import dev.sluice.broker.replication.EpochEndOffset;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers offset lookups: -2 → the log start offset, -1 → the high watermark (the end a consumer can see),
 * any other non-negative timestamp → the first record whose timestamp is at or after it, if below the high
 * watermark (else offset -1, as Kafka answers). Timestamps below -2 are {@code INVALID_REQUEST}. Also where a leader
 * epoch ends ({@link #endOffsetForEpoch}: Kafka's OffsetForLeaderEpoch, with which consumers detect truncation).
 * Stateless and thread-safe.
 */
public final class ListOffsetsHandler {

    /** Kafka's sentinel for the latest offset. */
    public static final long LATEST_TIMESTAMP = -1;
    /** Kafka's sentinel for the earliest offset. */
    public static final long EARLIEST_TIMESTAMP = -2;

    private final PartitionResolver resolver;

    public ListOffsetsHandler(PartitionResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver);
    }

    public ListOffsetsResponse handle(ListOffsetsRequest request) {
        ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
        for (ListOffsetsPartition partition : request.getPartitionsList()) {
            response.addResults(lookUp(partition));
        }
        return response.build();
    }

    /**
     * Where {@code leaderEpoch} ends in the partition's log, as its leader sees it (the largest epoch at or below it,
     * and the offset where the next epoch starts, or the log end for the current epoch), with the leader's current
     * epoch so that the caller can fence a client that believes in another one.
     */
    public EpochEndLookup endOffsetForEpoch(String topic, int partition, int leaderEpoch) {
        ResolvedPartition resolved = resolver.resolve(topic, partition);
        if (resolved instanceof ResolvedPartition.Failure failure) {
            return EpochEndLookup.failed(failure.error(), failure.message());
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        PartitionLog log = leader.log();
        EpochEndOffset end = EpochDivergence.endOffsetFor(log.state().leaderEpochs(), log.logEndOffset(),
                leaderEpoch);
        return new EpochEndLookup(ErrorCode.NONE, "", leader.leaderEpoch(), end.epoch(), end.endOffset());
    }

    /** The answer of {@link #endOffsetForEpoch}: an error, or the epoch found and where it ends. */
    public record EpochEndLookup(ErrorCode error, String message, int currentLeaderEpoch, int epoch,
                                 long endOffset) {
        static EpochEndLookup failed(ErrorCode error, String message) {
            return new EpochEndLookup(error, message, -1, EpochEndOffset.UNDEFINED_EPOCH,
                    EpochEndOffset.UNDEFINED_OFFSET);
        }
    }

    private ListOffsetsPartitionResult lookUp(ListOffsetsPartition partition) {
        ListOffsetsPartitionResult.Builder result = ListOffsetsPartitionResult.newBuilder()
                .setTopic(partition.getTopic())
                .setPartition(partition.getPartition())
                .setOffset(-1)
                .setTimestampMs(-1);
        ResolvedPartition resolved = resolver.resolve(partition.getTopic(), partition.getPartition());
        if (resolved instanceof ResolvedPartition.Failure failure) {
            return result.setError(failure.error()).setErrorMessage(failure.message()).build();
        }
        PartitionLog log = ((ResolvedPartition.Leader) resolved).log();
        long timestampMs = partition.getTimestampMs();
        if (timestampMs == EARLIEST_TIMESTAMP) {
            return result.setOffset(log.logStartOffset()).build();
        }
        if (timestampMs == LATEST_TIMESTAMP) {
            return result.setOffset(log.highWatermark()).build();
        }
        if (timestampMs < 0) {
            return result.setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage("timestamp_ms must be -2, -1 or >= 0, was " + timestampMs).build();
        }
        long highWatermark = log.highWatermark();
        Optional<TimestampAndOffset> found;
        try {
            found = log.findOffsetForTimestamp(timestampMs);
        } catch (LogStorageException e) {
            return result.setError(ErrorCode.KAFKA_STORAGE_ERROR).setErrorMessage(e.getMessage()).build();
        }
        found.filter(hit -> hit.offset() < highWatermark)
                .ifPresent(hit -> result.setOffset(hit.offset()).setTimestampMs(hit.timestampMs()));
        return result.build();
    }
}
