package dev.sluice.broker.log;

import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchCompression;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds, inside one stored batch, the first record whose timestamp is at or after a target: Kafka's ListOffsets by
 * timestamp answers with that record's offset and timestamp, not the batch's base offset. Pure: decodes (and
 * decompresses) the batch it is given.
 */
final class RecordTimestampSearch {
    private RecordTimestampSearch() {
    }

    /**
     * @param minOffset records below it (under the log start) are not answers
     * @return the first record at or above {@code minOffset} with timestamp >= {@code timestampMs}, or empty when
     *     none is (the batch's max timestamp may come from a record below {@code minOffset})
     */
    static Optional<TimestampAndOffset> firstAtOrAfter(byte[] stored, long timestampMs, long minOffset)
            throws IOException {
        RecordBatchView batch = RecordBatchView.parseFrom(stored);
        RecordBatchHeader header = batch.getHeader();
        Records records = header.getCodec() == Codec.CODEC_NONE ? Records.parseFrom(batch.getRecords())
                : Records.parseFrom(BatchCompression.decompress(header.getCodec(),
                        batch.getCompressedRecords().toByteArray()));
        for (int i = 0; i < records.getRecordsCount(); i++) {
            LogRecord record = records.getRecords(i);
            long offset = header.getBaseOffset() + (record.hasOffsetDelta() ? record.getOffsetDelta() : i);
            long timestamp = header.getFirstTimestampMs() + record.getTimestampDeltaMs();
            if (offset >= minOffset && timestamp >= timestampMs) {
                return Optional.of(new TimestampAndOffset(timestamp, offset));
            }
        }
        return Optional.empty();
    }
}
