package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.proto.v1.RecordHeader;
import com.google.protobuf.ByteString;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class SerdeTest {
    private static final Schema USER = SchemaBuilder.record("User").namespace("dev.sluice.test").fields()
            .requiredString("name").requiredInt("age").endRecord();

    @Test
    void avroGenericRoundTrips() {
        GenericRecord user = new GenericData.Record(USER);
        user.put("name", "ada");
        user.put("age", 36);
        byte[] bytes = AvroSerializer.generic(USER).serialize("t", user);
        GenericRecord back = AvroDeserializer.generic(USER).deserialize("t", bytes);
        assertThat(back.get("name").toString()).isEqualTo("ada");
        assertThat(back.get("age")).isEqualTo(36);
        assertThat(AvroSerializer.generic(USER).serialize("t", null)).isNull();
        assertThat(AvroDeserializer.generic(USER).deserialize("t", null)).isNull();
    }

    @Test
    void avroGenericResolvesIntoANewerReaderSchema() {
        Schema newer = SchemaBuilder.record("User").namespace("dev.sluice.test").fields()
                .requiredString("name").requiredInt("age").name("email").type().stringType().stringDefault("none")
                .endRecord();
        GenericRecord user = new GenericData.Record(USER);
        user.put("name", "bob");
        user.put("age", 7);
        GenericRecord back = AvroDeserializer.generic(USER, newer)
                .deserialize("t", AvroSerializer.generic(USER).serialize("t", user));
        assertThat(back.get("email").toString()).isEqualTo("none");
    }

    @Test
    void avroSpecificRoundTrips() {
        byte[] bytes = AvroSerializer.specific(AvroOrder.class).serialize("t", new AvroOrder("o-1", 42));
        AvroOrder back = AvroDeserializer.specific(AvroOrder.class).deserialize("t", bytes);
        assertThat(back.id()).isEqualTo("o-1");
        assertThat(back.amount()).isEqualTo(42);
    }

    @Test
    void avroBadInputIsAnInvalidRecord() {
        GenericRecord incomplete = new GenericData.Record(USER);
        incomplete.put("name", "no age");
        assertThatThrownBy(() -> AvroSerializer.generic(USER).serialize("t", incomplete))
                .isInstanceOf(SluiceException.class).hasMessageContaining("dev.sluice.test.User");
        assertThatThrownBy(() -> AvroDeserializer.generic(USER).deserialize("t", new byte[] {(byte) 0xff}))
                .isInstanceOf(SluiceException.class);
    }

    @Test
    void protobufRoundTrips() {
        RecordHeader header = RecordHeader.newBuilder().setKey("k").setValue(ByteString.copyFromUtf8("v")).build();
        byte[] bytes = new ProtobufSerializer<RecordHeader>().serialize("t", header);
        assertThat(new ProtobufDeserializer<>(RecordHeader.parser()).deserialize("t", bytes)).isEqualTo(header);
        assertThat(new ProtobufSerializer<RecordHeader>().serialize("t", null)).isNull();
        assertThat(new ProtobufDeserializer<>(RecordHeader.parser()).deserialize("t", null)).isNull();
        assertThatThrownBy(() -> new ProtobufDeserializer<>(RecordHeader.parser()).deserialize("t", new byte[] {7}))
                .isInstanceOf(SluiceException.class);
    }
}
