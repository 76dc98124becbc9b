package dev.sluice.broker.partition;

import dev.sluice.broker.log.LogStorageException;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.ReadResult;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a fetch request can get right now, from stored batch bytes, below each partition's high
 * watermark. Stateless and thread-safe.
 *
 * <p>Limits: each partition gets at most {@code partition_max_bytes} and the whole response at most
 * {@code max_bytes}, except that the first batch of the response is returned whatever its size, so a consumer
 * always makes progress. A zero limit means Kafka's consumer default: 1 MiB per partition, 50 MiB per response
 * (proto3 sends 0 when a client leaves the field unset); a negative {@code partition_max_bytes} fails its partition
 * with {@code INVALID_REQUEST} ({@link FetchHandler} refuses negative request-level limits before reading).
 */
final class FetchReader {

    static final int DEFAULT_PARTITION_MAX_BYTES = 1024 * 1024;
    static final int DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(FetchReader.class);

    /**
     * One pass over a fetch request.
     *
     * @param response the response as of now
     * @param sizeBytes total size of the batches in it
     * @param hasError whether some partition failed (the fetch then answers at once)
     * @param logs the logs that were resolved, to watch while waiting for more data
     */
    record Snapshot(FetchResponseView response, long sizeBytes, boolean hasError, List<PartitionLog> logs) { }

    private final PartitionResolver resolver;
    private final BooleanSupplier inContactWithController;

    FetchReader(PartitionResolver resolver) {
        this(resolver, () -> true);
    }

    FetchReader(PartitionResolver resolver, BooleanSupplier inContactWithController) {
        this.resolver = resolver;
        this.inContactWithController = inContactWithController;
    }

    Snapshot read(FetchRequest request) {
        long maxBytes = request.getMaxBytes() > 0 ? request.getMaxBytes() : DEFAULT_MAX_BYTES;
        FetchResponseView.Builder response = FetchResponseView.newBuilder();
        List<PartitionLog> logs = new ArrayList<>();
        long totalBytes = 0;
        boolean hasError = false;
        for (FetchPartition partition : request.getPartitionsList()) {
            FetchPartitionResultView.Builder result = emptyResult(partition);
            if (partition.getPartitionMaxBytes() < 0) {
                result.setError(ErrorCode.INVALID_REQUEST).setErrorMessage("partition_max_bytes must be >= 0 (0: the "
                        + "default " + DEFAULT_PARTITION_MAX_BYTES + "), was " + partition.getPartitionMaxBytes());
                hasError = true;
                response.addResults(result);
                continue;
            }
            ResolvedPartition resolved = resolver.resolve(partition.getTopic(), partition.getPartition());
            if (resolved instanceof ResolvedPartition.Failure failure) {
                result.setError(failure.error()).setErrorMessage(failure.message()).setLeaderId(failure.leaderIdHint());
                hasError = true;
            } else {
                ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
                logs.add(leader.log());
                totalBytes += readPartition(leader, partition, maxBytes - totalBytes, totalBytes == 0, result);
                if (result.getError() == ErrorCode.OFFSET_OUT_OF_RANGE
                        && partition.getFetchOffset() > leader.log().logEndOffset()
                        && !inContactWithController.getAsBoolean()) {
                    // Beyond our log end while cut off from the controller: most likely the partition moved and a
                    // newer leader has written past us. OFFSET_OUT_OF_RANGE would make the consumer reset its
                    // position (to 0 with auto.offset.reset=earliest) and commit offsets backwards, as the chaos
                    // groups checker saw; NOT_LEADER makes it find the current leader instead.
                    result.setError(ErrorCode.NOT_LEADER).setErrorMessage("fetch offset " + partition.getFetchOffset()
                            + " is beyond this broker's log end, and it has lost contact with the controller, so "
                            + "the partition may have a newer leader; refresh metadata");
                }
                hasError |= result.getError() != ErrorCode.NONE;
            }
            response.addResults(result);
        }
        return new Snapshot(response.build(), totalBytes, hasError, logs);
    }

    /**
     * Whether reading {@code request} now would find data: some partition it names is led here and has committed
     * data at its fetch offset.
     */
    boolean hasCommittedData(FetchRequest request) {
        return anyLedPartition(request, false);
    }

    /**
     * Whether reading {@code request} now would read the store: some partition it names is led here and has
     * committed data at its fetch offset that is not among its newest batches in memory. False means the answer
     * comes from memory (those batches, offsets, errors, or a wait).
     */
    boolean readsStore(FetchRequest request) {
        return anyLedPartition(request, true);
    }

    private boolean anyLedPartition(FetchRequest request, boolean notInMemory) {
        for (FetchPartition partition : request.getPartitionsList()) {
            if (resolver.resolve(partition.getTopic(), partition.getPartition())
                    instanceof ResolvedPartition.Leader leader) {
                PartitionLog partitionLog = leader.log();
                long fetchOffset = partition.getFetchOffset();
                long highWatermark = partitionLog.highWatermark();
                if (fetchOffset >= partitionLog.logStartOffset() && fetchOffset < highWatermark
                        && !(notInMemory && partitionLog.readsFromMemory(fetchOffset, highWatermark))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A partition's result with no data yet: offsets and leader unknown. */
    private static FetchPartitionResultView.Builder emptyResult(FetchPartition partition) {
        return FetchPartitionResultView.newBuilder()
                .setTopic(partition.getTopic())
                .setPartition(partition.getPartition())
                .setHighWatermark(-1)
                .setLogStartOffset(-1)
                .setLeaderId(-1)
                .setLeaderEpoch(-1);
    }

    /** A partition's result that is only an error. */
    static FetchPartitionResultView failed(FetchPartition partition, ErrorCode error, String message) {
        return emptyResult(partition).setError(error).setErrorMessage(message).build();
    }

    /** Fills {@code result} for one partition; returns the bytes added. */
    private static long readPartition(ResolvedPartition.Leader leader, FetchPartition partition, long remainingBytes,
                                      boolean firstData, FetchPartitionResultView.Builder result) {
        PartitionLog partitionLog = leader.log();
        // Read the high watermark once: it bounds the read and is what the consumer is told.
        long highWatermark = partitionLog.highWatermark();
        result.setHighWatermark(highWatermark)
                .setLogStartOffset(partitionLog.logStartOffset())
                .setLeaderEpoch(leader.leaderEpoch());
        int partitionMaxBytes = partition.getPartitionMaxBytes() > 0
                ? partition.getPartitionMaxBytes() : DEFAULT_PARTITION_MAX_BYTES;
        int limitBytes = (int) Math.max(0, Math.min(partitionMaxBytes, remainingBytes));
        ReadResult read;
        try {
            read = partitionLog.read(partition.getFetchOffset(), limitBytes, highWatermark, firstData);
        } catch (LogStorageException e) {
            log.error("Fetch from {} failed", partitionLog.key(), e);
            result.setError(ErrorCode.KAFKA_STORAGE_ERROR).setErrorMessage(e.getMessage());
            return 0;
        }
        if (read.status() == ReadResult.Status.OFFSET_OUT_OF_RANGE) {
            result.setError(ErrorCode.OFFSET_OUT_OF_RANGE).setErrorMessage("fetch offset "
                    + partition.getFetchOffset() + " is outside [" + read.logStartOffset() + ", "
                    + read.logEndOffset() + "]");
            return 0;
        }
        result.setError(ErrorCode.NONE).setLogStartOffset(read.logStartOffset()).addAllBatches(read.batches());
        return read.sizeBytes();
    }
}
