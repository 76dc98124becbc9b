package dev.sluice.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.proto.v1.ErrorCode;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads JSON into objects of one class with Jackson; null stays null. Thread-safe.
 *
 * @param <T> the type produced
 */
public final class JsonDeserializer<T> implements Deserializer<T> {
    private final ObjectMapper mapper;
    private final Class<T> type;

    public JsonDeserializer(Class<T> type) {
        this(type, new ObjectMapper().findAndRegisterModules());
    }

    public JsonDeserializer(Class<T> type, ObjectMapper mapper) {
        this.type = Objects.requireNonNull(type, "type");
        this.mapper = mapper;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.readValue(data, type);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD,
                    "cannot read JSON from topic " + topic + " as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
