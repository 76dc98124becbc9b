package dev.sluice.broker.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;

/** Builds batches the way a generated client would, and reads stored ones back through the public types. */
public final class TestBatches {

    private TestBatches() {
    }

    /** A client-side batch of {@code count} records with values "value-i", no CRC set. */
    public static RecordBatch clientBatch(int count, long firstTimestampMs, long maxTimestampMs) {
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < count; i++) {
            records.addRecords(LogRecord.newBuilder()
                    .setKey(ByteString.copyFromUtf8("key-" + i))
                    .setValue(ByteString.copyFromUtf8("value-" + i))
                    .setTimestampDeltaMs(Math.min(i, maxTimestampMs - firstTimestampMs)));
        }
        return RecordBatch.newBuilder()
                .setHeader(RecordBatchHeader.newBuilder()
                        .setRecordCount(count)
                        .setFirstTimestampMs(firstTimestampMs)
                        .setMaxTimestampMs(maxTimestampMs))
                .setRecords(records)
                .build();
    }

    /** The broker's view of a client batch: the same bytes parsed through {@code RecordBatchView}. */
    public static RecordBatchView view(RecordBatch batch) {
        try {
            return RecordBatchView.parseFrom(batch.toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    public static RecordBatchView batch(int count, long timestampMs) {
        return view(clientBatch(count, timestampMs, timestampMs));
    }

    public static RecordBatchView batch(int count) {
        return batch(count, 1_000L);
    }

    /** Decodes stored batch bytes the way a consumer does. */
    public static RecordBatch decode(ByteString stored) {
        try {
            return RecordBatch.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
