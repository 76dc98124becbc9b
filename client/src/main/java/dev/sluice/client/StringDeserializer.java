package dev.sluice.client;

import java.nio.charset.StandardCharsets;

/** Decodes UTF-8 bytes to strings; null stays null. Stateless and thread-safe. */
public final class StringDeserializer implements Deserializer<String> {
    @Override
    public String deserialize(String topic, byte[] data) {
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }
}
