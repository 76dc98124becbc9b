package dev.sluice.broker.partition;

import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.TimestampAndOffset;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers offset lookups: -2 → the log start offset, -1 → the high watermark (the end a consumer can see),
 * any other non-negative timestamp → the base offset of the first batch whose max timestamp is at or after
 * it, if that batch is below the high watermark (else offset -1, as Kafka answers). Timestamps below -2 are
 * {@code INVALID_REQUEST}. Stateless and thread-safe.
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
