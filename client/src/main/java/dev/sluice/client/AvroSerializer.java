package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes Avro records in Avro's binary encoding, with no schema or header in the bytes: producer and consumer
 * agree on the schema out of band (no schema registry). Two kinds:
 * <ul>
 *   <li>{@link #generic(Schema)}: {@link GenericRecord}s written with an application-supplied schema;</li>
 *   <li>{@link #specific(Class)}: generated {@link SpecificRecord} classes, written with their own schema.</li>
 * </ul>
 * Null stays null. Thread-safe (Avro's datum writers keep no per-call state). Needs {@code org.apache.avro:avro}
 * on the classpath, which the client declares optional.
 *
 * @param <T> the record type
 */
public final class AvroSerializer<T> implements Serializer<T> {
    private final DatumWriter<T> writer;
    private final String schemaName;

    private AvroSerializer(DatumWriter<T> writer, String schemaName) {
        this.writer = writer;
        this.schemaName = schemaName;
    }

    /** For generic records: each is written with {@code schema} (its own schema must be compatible). */
    public static AvroSerializer<GenericRecord> generic(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return new AvroSerializer<>(new GenericDatumWriter<>(schema), schema.getFullName());
    }

    /** For a generated specific record class. */
    public static <T extends SpecificRecord> AvroSerializer<T> specific(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new AvroSerializer<>(new SpecificDatumWriter<>(type), type.getName());
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "cannot write a record for topic " + topic
                    + " as Avro " + schemaName + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
