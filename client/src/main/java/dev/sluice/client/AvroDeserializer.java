package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads what {@link AvroSerializer} wrote (Avro binary encoding, no header). {@link #generic(Schema)} reads
 * {@link GenericRecord}s with the writer's schema, {@link #generic(Schema, Schema)} resolves them into a different
 * (compatible) reader schema, and {@link #specific(Class)} reads a generated class. Null stays null. Thread-safe:
 * each call uses its own decoder.
 *
 * @param <T> the record type
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
    private final DatumReader<T> reader;
    private final String schemaName;

    private AvroDeserializer(DatumReader<T> reader, String schemaName) {
        this.reader = reader;
        this.schemaName = schemaName;
    }

    /** Generic records written with {@code schema}. */
    public static AvroDeserializer<GenericRecord> generic(Schema schema) {
        return generic(schema, schema);
    }

    /** Generic records written with {@code writerSchema}, read as {@code readerSchema} (Avro schema resolution). */
    public static AvroDeserializer<GenericRecord> generic(Schema writerSchema, Schema readerSchema) {
        Objects.requireNonNull(writerSchema, "writerSchema");
        Objects.requireNonNull(readerSchema, "readerSchema");
        return new AvroDeserializer<>(new GenericDatumReader<>(writerSchema, readerSchema),
                readerSchema.getFullName());
    }

    /** A generated specific record class, written with its own schema. */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new AvroDeserializer<>(new SpecificDatumReader<>(type), type.getName());
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, null));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "cannot read Avro " + schemaName + " from topic "
                    + topic + ": " + e.getMessage(), e);
        }
    }
}
