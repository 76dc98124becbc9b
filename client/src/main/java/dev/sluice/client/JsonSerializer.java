package dev.sluice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.proto.v1.ErrorCode;

/**
 * Serializes objects as JSON with Jackson; null stays null. Thread-safe (Jackson's
 * {@link ObjectMapper} is, once configured).
 *
 * @param <T> the type serialized
 */
public final class JsonSerializer<T> implements Serializer<T> {
    private final ObjectMapper mapper;

    public JsonSerializer() {
        this(new ObjectMapper().findAndRegisterModules());
    }

    public JsonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD,
                    "cannot serialize " + data.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
