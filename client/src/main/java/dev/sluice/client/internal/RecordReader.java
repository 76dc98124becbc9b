package dev.sluice.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.sluice.client.Header;
import dev.sluice.wire.BatchFields;
import dev.sluice.wire.Wire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of one serialized {@code sluice.v1.Records} message in order, one at a time, straight from
 * the wire format: {@code next()} decodes the next {@code LogRecord} into this reader's fields, copying key,
 * value and header values once, into arrays of their exact size. No message, builder or {@code ByteString} is
 * made per record, which is most of what the consumer spent its CPU and allocations on. Unknown fields are
 * skipped, as a generated parser would, and so is a known field with another wire type than its declared one (which
 * the broker refuses at produce time). Field numbers come from {@link BatchFields}. Owned by the consumer's polling
 * thread.
 */
final class RecordReader {
    private static final int RECORD = Wire.tag(BatchFields.RECORDS_RECORD, Wire.LENGTH_DELIMITED);
    private static final int KEY = Wire.tag(BatchFields.RECORD_KEY, Wire.LENGTH_DELIMITED);
    private static final int VALUE = Wire.tag(BatchFields.RECORD_VALUE, Wire.LENGTH_DELIMITED);
    private static final int HEADER = Wire.tag(BatchFields.RECORD_HEADERS, Wire.LENGTH_DELIMITED);
    private static final int TIMESTAMP_DELTA_MS = Wire.tag(BatchFields.RECORD_TIMESTAMP_DELTA_MS, Wire.VARINT);
    private static final int OFFSET_DELTA = Wire.tag(BatchFields.RECORD_OFFSET_DELTA, Wire.VARINT);
    private static final int HEADER_KEY = Wire.tag(BatchFields.HEADER_KEY, Wire.LENGTH_DELIMITED);
    private static final int HEADER_VALUE = Wire.tag(BatchFields.HEADER_VALUE, Wire.LENGTH_DELIMITED);

    private final CodedInputStream in;
    private byte[] key;
    private byte[] value;
    private List<Header> headers = List.of();
    private long timestampDeltaMs;
    private int offsetDelta;
    private boolean hasOffsetDelta;

    private RecordReader(CodedInputStream in) {
        this.in = in;
    }

    /** A reader over serialized {@code Records}; the bytes are read in place, not copied. */
    static RecordReader of(ByteString records) {
        return new RecordReader(records.newCodedInput());
    }

    static RecordReader of(byte[] records) {
        return new RecordReader(CodedInputStream.newInstance(records));
    }

    /** Decodes the next record; false when there is none left. */
    boolean next() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == RECORD) {
                int limit = in.pushLimit(in.readRawVarint32());
                readRecord();
                in.popLimit(limit);
                return true;
            }
            if (!in.skipField(tag)) {
                return false;
            }
        }
        return false;
    }

    /** Whether the input holds nothing more (so {@link #next()} would return false, barring unknown fields). */
    boolean atEnd() throws IOException {
        return in.isAtEnd();
    }

    private void readRecord() throws IOException {
        key = null;
        value = null;
        headers = List.of();
        timestampDeltaMs = 0;
        offsetDelta = 0;
        hasOffsetDelta = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == KEY) {
                key = in.readByteArray();
            } else if (tag == VALUE) {
                value = in.readByteArray();
            } else if (tag == HEADER) {
                if (headers.isEmpty()) {
                    headers = new ArrayList<>(2);
                }
                int limit = in.pushLimit(in.readRawVarint32());
                headers.add(readHeader());
                in.popLimit(limit);
            } else if (tag == TIMESTAMP_DELTA_MS) {
                timestampDeltaMs = in.readInt64();
            } else if (tag == OFFSET_DELTA) {
                offsetDelta = in.readInt32();
                hasOffsetDelta = true;
            } else if (!in.skipField(tag)) {
                return;
            }
        }
    }

    private Header readHeader() throws IOException {
        String headerKey = "";
        byte[] headerValue = new byte[0];
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == HEADER_KEY) {
                headerKey = in.readStringRequireUtf8();
            } else if (tag == HEADER_VALUE) {
                headerValue = in.readByteArray();
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return new Header(headerKey, headerValue);
    }

    /** The key, or null when absent; a new array per record, which the caller may keep. */
    byte[] key() {
        return key;
    }

    /** The value, or null when absent (a tombstone); a new array per record, which the caller may keep. */
    byte[] value() {
        return value;
    }

    List<Header> headers() {
        return headers;
    }

    long timestampDeltaMs() {
        return timestampDeltaMs;
    }

    /** Only batches rewritten by log compaction carry offset deltas. */
    boolean hasOffsetDelta() {
        return hasOffsetDelta;
    }

    int offsetDelta() {
        return offsetDelta;
    }
}
