package dev.sluice.client.internal;

import dev.sluice.client.Callback;
import dev.sluice.client.Header;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import dev.sluice.wire.BatchFields;
import dev.sluice.wire.Wire;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's batch under construction: records are encoded straight into a byte array in the
 * protobuf wire format of the {@code Records} message (each a {@code LogRecord}), so appending allocates
 * nothing per record. {@link #close()} freezes it, compresses the records when a codec is set
 * ({@code compressed_records} instead of {@code records}) and fixes the CRC32C over the bytes sent, by the
 * broker's rule ({@link BatchChecksum}); field numbers come from {@link BatchFields}. The
 * {@code RecordBatchHeader} (record count, first/max timestamp, codec, CRC, and for an idempotent producer
 * the producer id, epoch and base sequence) is built from these fields when asked for, so
 * {@link #setProducerState} may assign or reassign the sequence before each send.
 *
 * <p>Appends happen under the accumulator's partition lock; after {@link #close()} the batch is owned by
 * the sender thread. Times are epoch milliseconds.
 */
public final class ProducerBatch {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerBatch.class);

    private final TopicPartition partition;
    private final long createdMs;
    private final BatchResult result = new BatchResult();
    private final int targetSizeBytes;
    private final Codec codec;
    private byte[] buffer;
    private byte[] compressed;
    private int crc32c;
    private long producerId;
    private int producerEpoch;
    private int baseSequence = -1;
    private int size;
    private int recordCount;
    private long firstTimestampMs;
    private long maxTimestampMs = Long.MIN_VALUE;
    /**
     * Per record index, the callback to run (null: none) and the record's timestamp; allocated with the first
     * callback. The batch keeps no per-record object of its own: a record waits here for its answer long enough
     * (under load, as long as buffer.memory takes to drain) to survive young collections, and every object kept per
     * record was copied by each of them. The future send() returns is not kept; a caller that drops it leaves it to
     * die young.
     */
    private Callback[] callbacks;
    private long[] timestampsMs;
    private boolean closed;
    private boolean full;
    private byte[] headerBytes;
    private int attempts;
    private long retryAfterMs;
    private boolean mayBeInTheLog;
    private long creationOrder;

    /**
     * @param buffer where records are encoded; its length is the capacity
     * @param targetSizeBytes batch.size: once reached the batch counts as full
     */
    public ProducerBatch(TopicPartition partition, byte[] buffer, int targetSizeBytes, long createdMs) {
        this(partition, buffer, targetSizeBytes, createdMs, Codec.CODEC_NONE);
    }

    /** @param codec how {@link #close()} compresses the records; CODEC_NONE sends them as they are */
    public ProducerBatch(TopicPartition partition, byte[] buffer, int targetSizeBytes, long createdMs, Codec codec) {
        this.codec = codec;
        this.partition = partition;
        this.buffer = buffer;
        this.targetSizeBytes = targetSizeBytes;
        this.createdMs = createdMs;
    }

    /** Encoded size of one record entry in the Records message, tag and length included. */
    public static int recordSize(long timestampDeltaMs, byte[] key, byte[] value, List<Header> headers) {
        int content = recordContentSize(timestampDeltaMs, key, value, headers);
        return Wire.fieldSize(content);
    }

    private static int recordContentSize(long timestampDeltaMs, byte[] key, byte[] value, List<Header> headers) {
        int content = 0;
        if (key != null) {
            content += Wire.fieldSize(key.length);
        }
        if (value != null) {
            content += Wire.fieldSize(value.length);
        }
        for (int i = 0; i < headers.size(); i++) {
            content += Wire.fieldSize(headerContentSize(headers.get(i)));
        }
        if (timestampDeltaMs != 0) {
            content += 1 + Wire.varint64Size(timestampDeltaMs);
        }
        return content;
    }

    private static int headerContentSize(Header header) {
        int keyLength = utf8Length(header.key());
        return (keyLength == 0 ? 0 : Wire.fieldSize(keyLength))
                + (header.value().length == 0 ? 0 : Wire.fieldSize(header.value().length));
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Appends a record if it fits; marks the batch full otherwise.
     *
     * @return the record's future, or null when the batch is closed or has no room
     */
    public RecordFuture tryAppend(long timestampMs, byte[] key, byte[] value, List<Header> headers,
                                  Callback callback) {
        if (closed) {
            return null;
        }
        long delta = recordCount == 0 ? 0 : timestampMs - firstTimestampMs;
        int content = recordContentSize(delta, key, value, headers);
        int entry = Wire.fieldSize(content);
        if (size + entry > buffer.length) {
            full = true;
            return null;
        }
        if (recordCount == 0) {
            firstTimestampMs = timestampMs;
        }
        maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
        size = writeRecord(buffer, size, content, delta, key, value, headers);
        int index = recordCount++;
        if (size >= targetSizeBytes) {
            full = true;
        }
        if (callback != null) {
            keepCallback(index, callback, timestampMs);
        }
        return new RecordFuture(result, partition, index, timestampMs);
    }

    private void keepCallback(int index, Callback callback, long timestampMs) {
        if (callbacks == null || index >= callbacks.length) {
            int capacity = Math.max(index + 1, callbacks == null ? 16 : callbacks.length * 2);
            callbacks = callbacks == null ? new Callback[capacity] : Arrays.copyOf(callbacks, capacity);
            timestampsMs = timestampsMs == null ? new long[capacity] : Arrays.copyOf(timestampsMs, capacity);
        }
        callbacks[index] = callback;
        timestampsMs[index] = timestampMs;
    }

    private static int writeRecord(byte[] out, int position, int content, long delta, byte[] key, byte[] value,
                                   List<Header> headers) {
        out[position++] = (byte) Wire.tag(BatchFields.RECORDS_RECORD, Wire.LENGTH_DELIMITED);
        position = Wire.writeVarint(out, position, content);
        if (key != null) {
            position = Wire.writeBytesField(out, position, BatchFields.RECORD_KEY, key);
        }
        if (value != null) {
            position = Wire.writeBytesField(out, position, BatchFields.RECORD_VALUE, value);
        }
        for (int i = 0; i < headers.size(); i++) {
            Header header = headers.get(i);
            byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
            out[position++] = (byte) Wire.tag(BatchFields.RECORD_HEADERS, Wire.LENGTH_DELIMITED);
            position = Wire.writeVarint(out, position, headerContentSize(header));
            if (name.length > 0) {
                position = Wire.writeBytesField(out, position, BatchFields.HEADER_KEY, name);
            }
            if (header.value().length > 0) {
                position = Wire.writeBytesField(out, position, BatchFields.HEADER_VALUE, header.value());
            }
        }
        if (delta != 0) {
            out[position++] = (byte) Wire.tag(BatchFields.RECORD_TIMESTAMP_DELTA_MS, Wire.VARINT);
            position = Wire.writeVarint64(out, position, delta);
        }
        return position;
    }

    /** Freezes the batch, compresses its records when a codec is set and computes the CRC; idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (codec != Codec.CODEC_NONE && recordCount > 0) {
            compressed = BatchCompression.compress(codec, buffer, size);
        }
        // Over exactly the bytes of the payload field, as the broker checks it.
        crc32c = BatchChecksum.crc32c(payload(), 0, payloadSize());
        headerBytes = null;
    }

    /**
     * Stamps the idempotent producer's id, epoch and this batch's base sequence into the header. Called by
     * the sender thread before each send; a retry keeps the sequence unless its partition is renumbered.
     */
    public void setProducerState(long producerId, int producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        this.headerBytes = null;
    }

    /** Orders the batches of one accumulator by creation; set once by the accumulator, 0 by default. */
    public void setCreationOrder(long creationOrder) {
        this.creationOrder = creationOrder;
    }

    public long creationOrder() {
        return creationOrder;
    }

    public long producerId() {
        return producerId;
    }

    public int producerEpoch() {
        return producerEpoch;
    }

    /** The base sequence, or -1 when none was assigned (not idempotent, or never sent). */
    public int baseSequence() {
        return baseSequence;
    }

    public boolean hasSequence() {
        return baseSequence >= 0;
    }

    private RecordBatchHeader header() {
        RecordBatchHeader.Builder header = RecordBatchHeader.newBuilder()
                .setRecordCount(recordCount)
                .setFirstTimestampMs(firstTimestampMs)
                .setMaxTimestampMs(recordCount == 0 ? firstTimestampMs : maxTimestampMs)
                .setCodec(compressed == null ? Codec.CODEC_NONE : codec)
                .setCrc32C(crc32c);
        if (baseSequence >= 0) {
            header.setProducerId(producerId).setProducerEpoch(producerEpoch).setBaseSequence(baseSequence);
        }
        return header.build();
    }

    /** The batch as a {@link RecordBatch} message (parses the encoded records; for tests and tools). */
    public RecordBatch toProto() {
        close();
        try {
            RecordBatch.Builder batch = RecordBatch.newBuilder().setHeader(header());
            if (compressed != null) {
                batch.setCompressedRecords(com.google.protobuf.ByteString.copyFrom(compressed));
            } else {
                batch.setRecords(Records.parseFrom(Arrays.copyOf(buffer, size)));
            }
            return batch.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("batch encoding is broken", e);
        }
    }

    /** Completes every record's future and runs the callbacks (on the calling, sender, thread). */
    public void complete(long baseOffset, long logAppendTimeMs) {
        result.set(baseOffset, logAppendTimeMs);
        runCallbacks();
        result.done();
    }

    /** Fails every record's future and runs the callbacks. */
    public void fail(RuntimeException error) {
        result.setError(error);
        runCallbacks();
        result.done();
    }

    private void runCallbacks() {
        if (callbacks == null) {
            return;
        }
        RuntimeException error = result.error();
        for (int index = 0; index < Math.min(recordCount, callbacks.length); index++) {
            if (callbacks[index] == null) {
                continue;
            }
            try {
                callbacks[index].onCompletion(error == null
                        ? RecordFuture.metadata(result, partition, index, timestampsMs[index]) : null, error);
            } catch (RuntimeException e) {
                LOG.warn("producer callback for {} threw", partition, e);
            }
        }
        callbacks = null;  // a batch is completed once; its callbacks need not outlive that
        timestampsMs = null;
    }

    public TopicPartition partition() {
        return partition;
    }

    public BatchResult result() {
        return result;
    }

    public long createdMs() {
        return createdMs;
    }

    public int recordCount() {
        return recordCount;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether no further record fits (or batch.size is reached), so it need not linger. */
    public boolean isFull() {
        return full || closed;
    }

    /** The encoded records (the content of RecordBatch's {@code records}); valid up to {@link #recordsSize()}. */
    public byte[] recordsBuffer() {
        return buffer;
    }

    public int recordsSize() {
        return size;
    }

    /** The serialized header; only after {@link #close()}. */
    public byte[] headerBytes() {
        if (headerBytes == null) {
            headerBytes = header().toByteArray();
        }
        return headerBytes;
    }

    /** The field of {@code RecordBatch} the payload goes in: {@code records} or {@code compressed_records}. */
    public int payloadField() {
        return compressed == null ? BatchFields.BATCH_RECORDS : BatchFields.BATCH_COMPRESSED_RECORDS;
    }

    /** The bytes sent as the batch payload; valid up to {@link #payloadSize()}. Only after {@link #close()}. */
    public byte[] payload() {
        return compressed == null ? buffer : compressed;
    }

    public int payloadSize() {
        return compressed == null ? size : compressed.length;
    }

    /** Size of the records before compression, in bytes. */
    public int uncompressedSize() {
        return size;
    }

    /** Size of the batch inside a produce request, excluding the topic and partition around it. */
    public int estimatedRequestBytes() {
        return size + 64;
    }

    public int attempts() {
        return attempts;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** Counts an attempt that failed retriably and holds the batch back until {@code retryAfterMs}. */
    public void scheduleRetry(long retryAfterMs) {
        this.attempts++;
        this.retryAfterMs = retryAfterMs;
    }

    /**
     * Whether some attempt may have written this batch to its partition's log: one timed out, broke, or was answered
     * with an error that the leader may give after appending (a timed-out {@code acks=all} wait, a leadership that
     * ended). Such a batch must never be renumbered, or the leader could not recognise it and would write it twice.
     */
    public boolean mayBeInTheLog() {
        return mayBeInTheLog;
    }

    /** An attempt ended without proof that nothing was written. */
    public void markMayBeInTheLog() {
        mayBeInTheLog = true;
    }

    /**
     * The leader answered by its sequence state that it does not hold this batch ({@code OUT_OF_ORDER_SEQUENCE_NUMBER}
     * or {@code UNKNOWN_PRODUCER_ID}; it answers one of the producer's last 5 batches that it holds as a duplicate, and
     * the sender has checked that no later batch was acknowledged), so earlier attempts wrote nothing that survives.
     */
    public void markNotInTheLog() {
        mayBeInTheLog = false;
    }

    /** Hands the buffer back (for pooling); the batch must not be read afterwards. */
    public byte[] releaseBuffer() {
        byte[] released = buffer;
        buffer = null;
        return released;
    }
}
