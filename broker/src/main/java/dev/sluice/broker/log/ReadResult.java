package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * The outcome of {@link PartitionLog#read}: whole stored batches (each a serialized {@code RecordBatchView},
 * exactly as stored), or {@link Status#OFFSET_OUT_OF_RANGE}. Offsets and the log bounds are those seen by the
 * read; sizes are bytes.
 *
 * @param status whether the fetch offset was within the log
 * @param batches stored batches in offset order; the first may start before the fetch offset
 * @param sizeBytes sum of the batches' sizes
 * @param logStartOffset the log start offset seen by the read
 * @param logEndOffset the log end offset seen by the read
 */
public record ReadResult(Status status, List<ByteString> batches, long sizeBytes, long logStartOffset,
                         long logEndOffset) {

    /** Whether the read could be served. */
    public enum Status { OK, OFFSET_OUT_OF_RANGE }

    public ReadResult {
        batches = List.copyOf(batches);
    }

    static ReadResult outOfRange(PartitionState state) {
        return new ReadResult(Status.OFFSET_OUT_OF_RANGE, List.of(), 0, state.logStartOffset(), state.logEndOffset());
    }

    static ReadResult empty(PartitionState state) {
        return new ReadResult(Status.OK, List.of(), 0, state.logStartOffset(), state.logEndOffset());
    }
}
