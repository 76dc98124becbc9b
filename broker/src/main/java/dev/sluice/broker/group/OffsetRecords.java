package dev.sluice.broker.group;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.internal.v1.OffsetCommitKey;
import dev.sluice.proto.internal.v1.OffsetCommitValue;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Encodes offset commits as a record batch of the {@code __consumer_offsets} topic and decodes them back. Pure;
 * any thread. This is the only broker path that decodes individual records, and only for this internal topic.
 */
public final class OffsetRecords {
    private OffsetRecords() {
    }

    /** One batch holding every commit of one request, so the request is applied atomically; null values delete. */
    public static RecordBatchView encode(Map<OffsetKey, CommittedOffset> commits, long nowMs) {
        Records.Builder records = Records.newBuilder();
        for (Map.Entry<OffsetKey, CommittedOffset> commit : commits.entrySet()) {
            OffsetKey key = commit.getKey();
            CommittedOffset value = commit.getValue();
            LogRecord.Builder record = LogRecord.newBuilder()
                    .setKey(OffsetCommitKey.newBuilder().setGroupId(key.groupId()).setTopic(key.topic())
                            .setPartition(key.partition()).build().toByteString());
            if (value != null) { // null: a tombstone, the committed offset is deleted
                record.setValue(OffsetCommitValue.newBuilder().setOffset(value.offset()).setMetadata(value.metadata())
                        .setCommitTimestampMs(value.commitTimestampMs()).build().toByteString());
            }
            records.addRecords(record);
        }
        ByteString bytes = records.build().toByteString();
        CRC32C crc = new CRC32C();
        crc.update(bytes.asReadOnlyByteBuffer());
        RecordBatchHeader header = RecordBatchHeader.newBuilder()
                .setRecordCount(commits.size())
                .setFirstTimestampMs(nowMs)
                .setMaxTimestampMs(nowMs)
                .setCodec(Codec.CODEC_NONE)
                .setCrc32C((int) crc.getValue())
                .build();
        return RecordBatchView.newBuilder().setHeader(header).setRecords(bytes).build();
    }

    /** Receives the commits of a decoded batch, each with its offset in the partition. */
    @FunctionalInterface
    public interface CommitSink {
        /** {@code value} null: the committed offset was deleted (a tombstone). */
        void accept(long offset, OffsetKey key, CommittedOffset value);
    }

    /**
     * Decodes a stored batch and hands each commit to {@code sink} in log order. A record's offset is the batch's
     * base offset plus the record's {@code offset_delta} when it has one (compaction keeps offsets by setting it and
     * {@code last_offset_delta}), else plus its index in the batch.
     */
    public static void decode(ByteString storedBatch, CommitSink sink) {
        try {
            RecordBatchView batch = RecordBatchView.parseFrom(storedBatch);
            long baseOffset = batch.getHeader().getBaseOffset();
            int index = 0;
            for (LogRecord record : Records.parseFrom(batch.getRecords()).getRecordsList()) {
                long offset = baseOffset + (record.hasOffsetDelta() ? record.getOffsetDelta() : index);
                index++;
                OffsetCommitKey key = OffsetCommitKey.parseFrom(record.getKey());
                OffsetKey offsetKey = new OffsetKey(key.getGroupId(), key.getTopic(), key.getPartition());
                if (!record.hasValue()) {
                    sink.accept(offset, offsetKey, null);
                    continue;
                }
                OffsetCommitValue value = OffsetCommitValue.parseFrom(record.getValue());
                sink.accept(offset, offsetKey, new CommittedOffset(value.getOffset(), value.getMetadata(),
                        value.getCommitTimestampMs()));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt record in __consumer_offsets: " + e.getMessage(), e);
        }
    }

    /**
     * The offset after the last one a stored batch spans: base + {@code last_offset_delta} + 1 when the header has
     * it (a compacted batch, possibly empty), else base + record count.
     */
    public static long nextOffset(ByteString storedBatch) {
        try {
            RecordBatchHeader header = RecordBatchView.parseFrom(storedBatch).getHeader();
            return header.getBaseOffset()
                    + (header.hasLastOffsetDelta() ? header.getLastOffsetDelta() + 1L : header.getRecordCount());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt batch in __consumer_offsets: " + e.getMessage(), e);
        }
    }
}
