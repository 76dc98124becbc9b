package dev.sluice.wire;

/**
 * Protobuf wire-format primitives (varints, tags) written into byte arrays, for the producer's
 * hand-encoded batches; the field numbers they are used with are in {@link BatchFields}. Stateless.
 */
public final class Wire {
    /** Wire type of a length-delimited field. */
    public static final int LENGTH_DELIMITED = 2;
    /** Wire type of a varint field. */
    public static final int VARINT = 0;

    private Wire() {
    }

    /** A field's tag: its number shifted left by three, over the wire type in the low three bits. */
    public static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    /** Bytes a non-negative int (a length, a tag) takes as a varint. */
    public static int varintSize(int value) {
        if ((value & (~0 << 7)) == 0) {
            return 1;
        }
        if ((value & (~0 << 14)) == 0) {
            return 2;
        }
        if ((value & (~0 << 21)) == 0) {
            return 3;
        }
        if ((value & (~0 << 28)) == 0) {
            return 4;
        }
        return 5;
    }

    /** Bytes a long takes as a varint (negative values take 10). */
    public static int varint64Size(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }

    /** Writes {@code value} as an unsigned varint at {@code position}; returns the new position. */
    public static int writeVarint(byte[] buffer, int position, int value) {
        while ((value & ~0x7F) != 0) {
            buffer[position++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
        return position;
    }

    /** Writes {@code value} as a 64-bit varint at {@code position}; returns the new position. */
    public static int writeVarint64(byte[] buffer, int position, long value) {
        while ((value & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
        return position;
    }

    /**
     * Writes a length-delimited bytes field; returns the new position. The tag is written as one byte, so
     * {@code field} must be at most {@link BatchFields#MAX_ONE_BYTE_TAG_FIELD}, as every hand-written field is.
     */
    public static int writeBytesField(byte[] buffer, int position, int field, byte[] value) {
        buffer[position++] = (byte) tag(field, LENGTH_DELIMITED);
        position = writeVarint(buffer, position, value.length);
        System.arraycopy(value, 0, buffer, position, value.length);
        return position + value.length;
    }

    /** Size of a length-delimited field with a one-byte tag and {@code length} bytes of content. */
    public static int fieldSize(int length) {
        return 1 + varintSize(length) + length;
    }
}
