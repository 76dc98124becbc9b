package dev.sluice.client;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A hand-written stand-in for an Avro-generated SpecificRecord class (the build has no Avro code generator). */
public final class AvroOrder extends SpecificRecordBase {
    public static final Schema SCHEMA$ = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"AvroOrder\","
            + "\"namespace\":\"dev.sluice.client\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"amount\",\"type\":\"long\"}]}");

    private CharSequence id;
    private long amount;

    public AvroOrder() {
    }

    public AvroOrder(String id, long amount) {
        this.id = id;
        this.amount = amount;
    }

    public String id() {
        return id.toString();
    }

    public long amount() {
        return amount;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> id;
            case 1 -> amount;
            default -> throw new IndexOutOfBoundsException(field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> id = (CharSequence) value;
            case 1 -> amount = (Long) value;
            default -> throw new IndexOutOfBoundsException(field);
        }
    }
}
