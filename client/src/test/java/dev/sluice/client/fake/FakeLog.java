package dev.sluice.client.fake;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One partition's in-memory log for {@link FakeBroker}: whole batches with broker-assigned base offsets.
 * Everything appended is immediately "replicated" (high watermark = log end). Thread-safe via the
 * broker's lock.
 */
public final class FakeLog {
    private final List<RecordBatch> batches = new ArrayList<>();
    private long logStartOffset;
    private long logEndOffset;
    /** Next expected sequence per producer id; the fake refuses gaps and answers duplicates. */
    private final java.util.Map<Long, Integer> nextSequence = new java.util.HashMap<>();
    /** Latest epoch per producer id: a higher one restarts the sequence at 0, a lower one is fenced. */
    private final java.util.Map<Long, Integer> epochs = new java.util.HashMap<>();
    /** Base offset of every idempotent batch, by "producerId/epoch/baseSequence". */
    private final java.util.Map<String, Long> sequencedOffsets = new java.util.HashMap<>();

    /** Appends a batch after checking count and CRC; returns the base offset, or -1 with an error. */
    synchronized long append(RecordBatch batch, long nowMs, ErrorCode[] error) {
        RecordBatchHeader header = batch.getHeader();
        if (header.getRecordCount() != batch.getRecords().getRecordsCount() || header.getRecordCount() == 0) {
            error[0] = ErrorCode.INVALID_RECORD;
            return -1;
        }
        if (header.hasCrc32C()) {
            CRC32C crc = new CRC32C();
            crc.update(batch.getRecords().toByteArray());
            if ((int) crc.getValue() != header.getCrc32C()) {
                error[0] = ErrorCode.CORRUPT_MESSAGE;
                return -1;
            }
        }
        if (header.getProducerId() > 0) {
            long producerId = header.getProducerId();
            int epoch = epochs.getOrDefault(producerId, header.getProducerEpoch());
            if (header.getProducerEpoch() < epoch) {
                error[0] = ErrorCode.INVALID_PRODUCER_EPOCH;
                return -1;
            }
            String key = producerId + "/" + header.getProducerEpoch() + "/" + header.getBaseSequence();
            Long original = sequencedOffsets.get(key);
            if (original != null) {
                return original;
            }
            int expected = header.getProducerEpoch() > epoch ? 0 : nextSequence.getOrDefault(producerId, 0);
            if (header.getBaseSequence() != expected) {
                error[0] = ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
                return -1;
            }
            epochs.put(producerId, header.getProducerEpoch());
            nextSequence.put(producerId, expected + header.getRecordCount());
            sequencedOffsets.put(key, logEndOffset);
        }
        long base = logEndOffset;
        batches.add(batch.toBuilder().setHeader(header.toBuilder().setBaseOffset(base).setAppendTimeMs(nowMs)).build());
        logEndOffset += header.getRecordCount();
        return base;
    }

    /** Batches holding offsets at or after {@code offset}, at least one, up to about {@code maxBytes}. */
    synchronized List<RecordBatch> read(long offset, int maxBytes) {
        List<RecordBatch> out = new ArrayList<>();
        int bytes = 0;
        for (RecordBatch batch : batches) {
            long end = batch.getHeader().getBaseOffset() + batch.getHeader().getRecordCount();
            if (end <= offset) {
                continue;
            }
            int size = batch.getSerializedSize();
            if (!out.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            out.add(batch);
            bytes += size;
        }
        return out;
    }

    /** Drops batches wholly below {@code offset} (retention), moving the log start. */
    public synchronized void truncateBefore(long offset) {
        batches.removeIf(b -> b.getHeader().getBaseOffset() + b.getHeader().getRecordCount() <= offset);
        logStartOffset = batches.isEmpty() ? logEndOffset : batches.get(0).getHeader().getBaseOffset();
    }

    public synchronized long logStartOffset() {
        return logStartOffset;
    }

    public synchronized long logEndOffset() {
        return logEndOffset;
    }

    /** Every stored record value decoded as UTF-8, in offset order (for assertions). */
    public synchronized List<String> values() {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : batches) {
            batch.getRecords().getRecordsList().forEach(r -> values.add(r.getValue().toStringUtf8()));
        }
        return values;
    }

    public synchronized List<RecordBatch> batches() {
        return List.copyOf(batches);
    }

    static RecordBatch parse(byte[] bytes) {
        try {
            return RecordBatch.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
